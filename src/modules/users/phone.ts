import { parsePhoneNumberFromString } from 'libphonenumber-js';

// Egyptian mobile ranges: 010 (Vodafone), 011 (Etisalat), 012 (Orange), 015 (WE).
const EG_MOBILE_E164 = /^\+201[0125]\d{8}$/;

/**
 * Egyptian mobile numbers only, normalised to E.164 so "+20 100-123-4567",
 * "01001234567" and "+201001234567" are the same account.
 */
export function normalizeEgyptianPhone(input: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), 'EG');
  if (!parsed || !parsed.isValid()) return null;
  return EG_MOBILE_E164.test(parsed.number) ? parsed.number : null;
}
