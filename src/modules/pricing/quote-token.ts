import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { VehicleClass } from '../../shared/index.js';
import { FARE_ITEM_CODES, itemsTotal, type FareItem, type FareItemCode } from './fare-items.js';

/** API.md "Pricing": a quote is honoured for 10 minutes. */
export const QUOTE_TTL_MS = 10 * 60_000;
const TOKEN_VERSION = 1;
// Six decimals ≈ 0.1 m: far finer than the 100 m pickup tolerance, short enough for the token.
const COORD_DECIMALS = 6;

/** What a quote promises, carried inside the token itself (no server-side storage). */
export interface QuoteClaims {
  /** The user the quote was made for; nobody else can spend it. */
  userId: string;
  vehicleClass: VehicleClass;
  amount: number;
  currency: 'EGP';
  surge: number;
  timeMultiplier: number;
  distanceM: number;
  durationS: number;
  pickup: { lat: number; lng: number };
  dropoff: { lat: number; lng: number };
  issuedAt: number;
  expiresAt: number;
  /** The tariff version priced with (null: the built-in default, or a token from before versions). */
  tariffVersion: number | null;
  /** The quote's lines (null only in tokens from before itemised quotes). */
  items: FareItem[] | null;
  /** Stops between pickup and dropoff the quote priced, in order (empty for a direct ride). */
  stops?: Array<{ lat: number; lng: number }>;
}

interface Wire {
  v: number;
  n: string;
  sub: string;
  cls: VehicleClass;
  amt: number;
  cur: 'EGP';
  srg: number;
  tm: number;
  dm: number;
  ds: number;
  p: [number, number];
  d: [number, number];
  iat: number;
  exp: number;
  tv?: number | null;
  it?: Array<[FareItemCode, number]>;
  st?: Array<[number, number]>;
}

const round = (x: number) => Number(x.toFixed(COORD_DECIMALS));

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** `base64url(claims).base64url(HMAC-SHA256)`: self-contained, tamper-evident, unique per call. */
export function signQuote(claims: QuoteClaims, secret: string): string {
  const wire: Wire = {
    v: TOKEN_VERSION,
    n: randomBytes(6).toString('base64url'),
    sub: claims.userId,
    cls: claims.vehicleClass,
    amt: claims.amount,
    cur: claims.currency,
    srg: claims.surge,
    tm: claims.timeMultiplier,
    dm: claims.distanceM,
    ds: claims.durationS,
    p: [round(claims.pickup.lat), round(claims.pickup.lng)],
    d: [round(claims.dropoff.lat), round(claims.dropoff.lng)],
    iat: claims.issuedAt,
    exp: claims.expiresAt,
    tv: claims.tariffVersion,
    ...(claims.stops?.length ? { st: claims.stops.map((p): [number, number] => [round(p.lat), round(p.lng)]) } : {}),
    ...(claims.items ? { it: claims.items.map((i): [FareItemCode, number] => [i.code, i.amount]) } : {}),
  };
  const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

export type QuoteCheck =
  { ok: true; claims: QuoteClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

function fromWire(w: Wire): QuoteClaims {
  return {
    userId: w.sub,
    vehicleClass: w.cls,
    amount: w.amt,
    currency: w.cur,
    surge: w.srg,
    timeMultiplier: w.tm,
    distanceM: w.dm,
    durationS: w.ds,
    pickup: { lat: w.p[0], lng: w.p[1] },
    dropoff: { lat: w.d[0], lng: w.d[1] },
    issuedAt: w.iat,
    expiresAt: w.exp,
    tariffVersion: typeof w.tv === 'number' ? w.tv : null,
    items: w.it ? w.it.map(([code, amount]) => ({ code, amount })) : null,
    stops: (w.st ?? []).map(([lat, lng]) => ({ lat, lng })),
  };
}

const isItem = (x: unknown): x is [FareItemCode, number] =>
  Array.isArray(x) && x.length === 2 && FARE_ITEM_CODES.includes(x[0] as FareItemCode) && Number.isSafeInteger(x[1]);

/** Optional fields of newer tokens: a version number, and lines that add up to the amount. */
function extrasValid(w: Record<string, unknown>): boolean {
  if (w.tv !== undefined && w.tv !== null && !Number.isSafeInteger(w.tv)) return false;
  if (w.st !== undefined && !(Array.isArray(w.st) && w.st.every((x) => Array.isArray(x) && x.length === 2)))
    return false;
  if (w.it === undefined) return true;
  if (!Array.isArray(w.it) || !w.it.every(isItem)) return false;
  return itemsTotal(w.it.map(([code, amount]) => ({ code, amount }))) === w.amt;
}

function isWire(x: unknown): x is Wire {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Record<string, unknown>;
  return (
    w.v === TOKEN_VERSION &&
    typeof w.sub === 'string' &&
    typeof w.amt === 'number' &&
    Number.isSafeInteger(w.amt) &&
    typeof w.exp === 'number' &&
    Array.isArray(w.p) &&
    Array.isArray(w.d) &&
    typeof w.srg === 'number' &&
    extrasValid(w)
  );
}

/** Checks signature (constant time) then expiry; never throws on garbage input. */
export function verifyQuote(token: string, secret: string, now: number): QuoteCheck {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isWire(wire)) return { ok: false, reason: 'malformed' };
  if (now >= wire.exp) return { ok: false, reason: 'expired' };
  return { ok: true, claims: fromWire(wire) };
}
