/** Every error code a client can see, defined once, mapped to HTTP once. */
export const ErrorCode = {
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  IDEMPOTENCY_KEY_IN_USE: 'IDEMPOTENCY_KEY_IN_USE',
  IDEMPOTENCY_MISMATCH: 'IDEMPOTENCY_MISMATCH',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  QUOTE_EXPIRED: 'QUOTE_EXPIRED',
  RECEIPT_NOT_AVAILABLE: 'RECEIPT_NOT_AVAILABLE',
  INVALID_OTP: 'INVALID_OTP',
  OTP_LOCKED: 'OTP_LOCKED',
  UPGRADE_REQUIRED: 'UPGRADE_REQUIRED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  IDEMPOTENCY_MISMATCH: 422,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INSUFFICIENT_FUNDS: 402,
  QUOTE_EXPIRED: 409,
  /** A receipt exists only for a completed trip or a cancellation that carries a fee. */
  RECEIPT_NOT_AVAILABLE: 409,
  INVALID_OTP: 422,
  /** Too many wrong ride OTPs on one trip: starting it is locked for a while (Retry-After). */
  OTP_LOCKED: 429,
  UPGRADE_REQUIRED: 426,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After on 429/503. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = HTTP_STATUS[code];
  }
}

export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
export const forbidden = (message = 'Not allowed') => new AppError(ErrorCode.FORBIDDEN, message);
export const conflict = (message: string, details?: unknown) => new AppError(ErrorCode.CONFLICT, message, details);
export const unavailable = (message = 'Service temporarily unavailable', retryAfterS = 5) =>
  new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    message,
    { retryAfter: retryAfterS },
    { 'retry-after': String(retryAfterS) },
  );
