import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** What a number written without a country code means (PHONE_REGION); set once at start-up by buildApp. */
let nationalRegion: CountryCode = 'EG';

/** Number types an SMS (OTP, SOS) can reach; `FIXED_LINE_OR_MOBILE` is how NANP numbers (+1) are classified. */
const TEXTABLE_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

export function isPhoneRegion(region: string): region is CountryCode {
  return isSupportedCountry(region);
}

export function setPhoneRegion(region: string): void {
  if (!isPhoneRegion(region)) throw new Error(`unsupported phone region ${region}`);
  nationalRegion = region;
}

/**
 * Any valid mobile number, normalised to E.164 so "+20 100-123-4567", "01001234567" (with PHONE_REGION=EG) and
 * "+201001234567" are the same account. Landlines and invalid numbers are refused (null): OTPs and SOS go by SMS.
 */
export function normalizePhone(input: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), nationalRegion);
  if (!parsed || !parsed.isValid()) return null;
  return TEXTABLE_TYPES.has(parsed.getType() ?? '') ? parsed.number : null;
}
