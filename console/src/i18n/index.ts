import { ar } from './ar.js';
import { en, type Strings } from './en.js';

export type Lang = 'en' | 'ar';
const STRINGS: Record<Lang, Strings> = { en, ar };
let current: Lang = navigator.language.startsWith('ar') ? 'ar' : 'en';

/** Switches the language and the page direction (Arabic is right-to-left). */
export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
}

export const lang = (): Lang => current;

/** The string `key` in the current language, `{name}` placeholders filled from `vars`. */
export function t(key: keyof Strings, vars: Record<string, string | number> = {}): string {
  return STRINGS[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

setLang(current);
