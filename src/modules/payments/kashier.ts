import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Kashier's hosted payment page and webhook signatures (shared/PROVIDERS.md).
 * Pure functions: no I/O, no config reads.
 */

export interface KashierSettings {
  merchantId: string;
  /** Current key first; every key verifies webhooks (rotation). */
  apiKeys: string[];
  mode: 'test' | 'live';
  checkoutUrl: string;
  redirectUrl: string;
  webhookUrl?: string;
}

const hmacHex = (key: string, message: string) => createHmac('sha256', key).update(message).digest('hex');

/** Piastres → the major-unit string Kashier signs and shows ("299.50"); integer math, no floats. */
export function formatMajor(piastres: number): string {
  return `${Math.floor(piastres / 100)}.${String(piastres % 100).padStart(2, '0')}`;
}

/** "299", "299.5" or "299.50" (or the number 299.5) → 29950; anything else → null. */
export function parseMajor(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return null;
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** HMAC-SHA256 hex over `/?payment={mid}.{orderId}.{amount}.{currency}`. */
export function orderHash(args: {
  merchantId: string;
  orderId: string;
  amount: string;
  currency: string;
  apiKey: string;
}): string {
  return hmacHex(args.apiKey, `/?payment=${args.merchantId}.${args.orderId}.${args.amount}.${args.currency}`);
}

/** The hosted-payment URL for one deposit; signed with the current key. */
export function buildPaymentUrl(
  settings: KashierSettings,
  order: { orderId: string; amount: number; currency: string },
): string {
  const amount = formatMajor(order.amount);
  const hash = orderHash({
    merchantId: settings.merchantId,
    orderId: order.orderId,
    amount,
    currency: order.currency,
    apiKey: settings.apiKeys[0]!,
  });
  const url = new URL(settings.checkoutUrl);
  const params: Record<string, string> = {
    merchantId: settings.merchantId,
    orderId: order.orderId,
    amount,
    currency: order.currency,
    hash,
    mode: settings.mode,
    merchantRedirect: settings.redirectUrl,
    allowedMethods: 'card,wallet',
    display: 'en',
  };
  if (settings.webhookUrl) params.serverWebhook = settings.webhookUrl;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** RFC 3986 encoding (encodeURIComponent plus !'()*), as query-string's strict mode does. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The string Kashier signs for a webhook: the fields named in
 * `data.signatureKeys`, keys sorted, as `key=value&…`. Built from the parsed
 * body, so it does not depend on the raw bytes. Null when the payload cannot
 * be signed (no key list, a non-scalar field).
 */
export function webhookSigningString(data: Record<string, unknown>): string | null {
  const keys = data.signatureKeys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) return null;
  const parts: string[] = [];
  for (const key of [...new Set(keys as string[])].sort()) {
    const value = data[key] ?? '';
    if (typeof value === 'object') return null;
    parts.push(`${encode(key)}=${encode(String(value))}`);
  }
  return parts.join('&');
}

/**
 * The fields we act on (which order, how much, which currency, did it succeed,
 * which transaction): a webhook whose signature leaves any of them out proves
 * nothing about them, whatever else it signs.
 */
export const REQUIRED_SIGNED_FIELDS = ['amount', 'currency', 'merchantOrderId', 'status', 'transactionId'] as const;

/** True when `data.signatureKeys` names every field in REQUIRED_SIGNED_FIELDS. */
export function signsMoneyFields(data: Record<string, unknown>): boolean {
  const keys = data.signatureKeys;
  return Array.isArray(keys) && REQUIRED_SIGNED_FIELDS.every((field) => keys.includes(field));
}

export function signWebhook(data: Record<string, unknown>, apiKey: string): string {
  const payload = webhookSigningString(data);
  if (payload === null) throw new Error('webhook data has no signable signatureKeys');
  return hmacHex(apiKey, payload);
}

/**
 * Constant-time check of `x-kashier-signature` against every accepted key.
 * Every key is tried (no early exit) so timing does not tell which matched.
 */
export function verifyWebhookSignature(
  data: Record<string, unknown>,
  signature: string | undefined,
  apiKeys: string[],
): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const payload = webhookSigningString(data);
  if (payload === null) return false;
  const given = Buffer.from(signature.toLowerCase(), 'hex');
  let ok = false;
  for (const key of apiKeys) {
    const expected = Buffer.from(hmacHex(key, payload), 'hex');
    ok = timingSafeEqual(expected, given) || ok;
  }
  return ok;
}
