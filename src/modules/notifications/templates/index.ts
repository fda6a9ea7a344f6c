import type { Locale } from '../../../shared/index.js';
import { ar } from './ar.js';
import { str, TEMPLATE_KEYS, type Catalogue, type RenderedMessage, type TemplateKey } from './catalogue.js';
import { en } from './en.js';
import { formatterFor } from './format.js';

export { TEMPLATE_KEYS, type RenderedMessage, type TemplateKey };

/** One file per language; `TEMPLATE_KEYS` is the list both must cover. */
export const CATALOGUES: Record<Locale, Catalogue> = { en, ar };

const isKey = (template: string): template is TemplateKey => (TEMPLATE_KEYS as readonly string[]).includes(template);

/**
 * Text for the provider channels (push/SMS/email) in the recipient's language. The inbox and sockets get the
 * template name and data as they are; clients localise those. A template outside the catalogue (a caller's
 * one-off with its own `data.title` / `data.body`) is sent as given.
 */
export function renderTemplate(template: string, data: Record<string, unknown>, locale: Locale): RenderedMessage {
  if (isKey(template)) return CATALOGUES[locale][template](data, formatterFor(locale));
  return {
    title: str(data.title, 'SmartLine'),
    body: str(data.body, str(data.message, template.replace(/[._]/g, ' '))),
  };
}
