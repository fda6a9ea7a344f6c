import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { VehicleClass } from '../../shared/index.js';

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
  };
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
    typeof w.srg === 'number'
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
