import { SERVICE_TIME_ZONE, type Locale } from '../../../shared/index.js';

/** How a catalogue writes numbers, money and times for one language (Intl: Arabic gets Arabic-Indic digits). */
export interface Formatter {
  locale: Locale;
  money(minorUnits: unknown, currency?: unknown): string;
  time(iso: unknown): string;
  number(value: unknown): string;
}

const INTL_LOCALE: Record<Locale, string> = { en: 'en-EG', ar: 'ar-EG' };

export function formatterFor(locale: Locale): Formatter {
  const tag = INTL_LOCALE[locale];
  const time = new Intl.DateTimeFormat(tag, {
    timeZone: SERVICE_TIME_ZONE,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const number = new Intl.NumberFormat(tag);
  return {
    locale,
    // Money is integer piastres everywhere; only text shows pounds.
    money: (minor, currency = 'EGP') =>
      new Intl.NumberFormat(tag, { style: 'currency', currency: String(currency) }).format(Number(minor) / 100),
    time: (iso) => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? time.format(new Date(iso)) : ''),
    number: (value) => number.format(Number(value)),
  };
}
