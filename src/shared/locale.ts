import Negotiator from 'negotiator';
import { z } from 'zod';

/** The languages every user-facing text exists in (Egypt first: Arabic and English). */
export const LOCALES = ['en', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
export const LocaleSchema = z.enum(LOCALES);

/** The service's local time (times in messages, report days, time-of-day pricing, working hours). */
export const SERVICE_TIME_ZONE = 'Africa/Cairo';

/** The best of our locales for an `Accept-Language` header (q-values honoured), else the default. */
export function localeFromAcceptLanguage(header: string | string[] | undefined): Locale {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return DEFAULT_LOCALE;
  const best = new Negotiator({ headers: { 'accept-language': value } }).language([...LOCALES]);
  return LocaleSchema.safeParse(best).data ?? DEFAULT_LOCALE;
}
