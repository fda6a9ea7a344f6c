import { localeFromAcceptLanguage, type Locale } from '../../shared/index.js';
import type { FareItem, FareItemCode } from './fare-items.js';
import { ar } from './locales/ar.js';
import { en } from './locales/en.js';

/** API.md: line labels follow Accept-Language among the product's locales; anything else gets English. */
export type LabelLanguage = Locale;

const LABELS: Record<LabelLanguage, Readonly<Record<FareItemCode, string>>> = { en, ar };

/** The caller's preferred supported language (q-values honoured, `ar-EG` counts as `ar`), default `en`. */
export const labelLanguage = localeFromAcceptLanguage;

export interface LabelledItem {
  code: FareItemCode;
  label: string;
  amount: number;
}

export function labelItems(items: readonly FareItem[], language: LabelLanguage): LabelledItem[] {
  return items.map((item) => ({ code: item.code, label: LABELS[language][item.code], amount: item.amount }));
}
