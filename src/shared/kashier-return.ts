/** Where Kashier's hosted page sends the payer back; config.ts points KASHIER_REDIRECT_URL's default at it. */
export const KASHIER_RETURN_PATH = '/api/v1/payments/kashier/return';
