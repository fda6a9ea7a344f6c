import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { QUOTE_TTL_MS, signQuote, verifyQuote, type QuoteClaims } from './quote-token.js';

const SECRET = 'test-quote-secret-0123456789abcdef0123';
const now = Date.UTC(2025, 0, 15, 10, 0, 0);
const claims: QuoteClaims = {
  userId: '7b0c1d2e-0000-4000-8000-000000000001',
  vehicleClass: 'economy',
  amount: 5500,
  currency: 'EGP',
  surge: 1.3,
  timeMultiplier: 1.2,
  distanceM: 10_000,
  durationS: 1_200,
  pickup: { lat: 30.0444123, lng: 31.2357456 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
  issuedAt: now,
  expiresAt: now + QUOTE_TTL_MS,
  tariffVersion: 3,
  items: [
    { code: 'base', amount: 1000 },
    { code: 'distance', amount: 3500 },
    { code: 'rounding', amount: 1000 },
  ],
};

describe('quote tokens', () => {
  test('a signed quote verifies and carries its claims back', () => {
    const check = verifyQuote(signQuote(claims, SECRET), SECRET, now + 1_000);
    assert.ok(check.ok);
    assert.equal(check.claims.amount, 5500);
    assert.equal(check.claims.surge, 1.3);
    assert.equal(check.claims.userId, claims.userId);
    assert.deepEqual(check.claims.pickup, { lat: 30.044412, lng: 31.235746 });
  });

  test('two quotes for the same trip are different tokens', () => {
    assert.notEqual(signQuote(claims, SECRET), signQuote(claims, SECRET));
  });

  test('expires exactly 10 minutes after issue', () => {
    const token = signQuote(claims, SECRET);
    assert.equal(verifyQuote(token, SECRET, now + QUOTE_TTL_MS - 1).ok, true);
    assert.deepEqual(verifyQuote(token, SECRET, now + QUOTE_TTL_MS), { ok: false, reason: 'expired' });
  });

  test('a changed amount or a foreign secret is a bad signature', () => {
    const token = signQuote(claims, SECRET);
    const [body, mac] = token.split('.') as [string, string];
    const wire = JSON.parse(Buffer.from(body, 'base64url').toString());
    wire.amt = 100;
    const tampered = `${Buffer.from(JSON.stringify(wire)).toString('base64url')}.${mac}`;
    assert.deepEqual(verifyQuote(tampered, SECRET, now), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyQuote(token, 'another-secret-0123456789abcdef012345', now), {
      ok: false,
      reason: 'bad_signature',
    });
  });

  test('garbage never throws', () => {
    for (const junk of ['', '.', 'abc', 'a.b.c', '%%%.%%%', `${Buffer.from('not json').toString('base64url')}.x`]) {
      assert.equal(verifyQuote(junk, SECRET, now).ok, false, junk);
    }
  });
});
