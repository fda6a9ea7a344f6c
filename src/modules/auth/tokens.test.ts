import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyRing } from './tokens.js';

const OLD = { kid: 'old', secret: 'o'.repeat(32) };
const NEW = { kid: 'new', secret: 'n'.repeat(32) };
const CLAIMS = {
  sub: '00000000-0000-4000-8000-000000000001',
  role: 'rider' as const,
  sid: '00000000-0000-4000-8000-000000000002',
};

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}

describe('KeyRing: a verified token is remembered, never past what a fresh check would allow', () => {
  test('a remembered token is refused once it expires', async () => {
    // The ring's clock is moved instead of sleeping: a 1 s token signed late
    // in a second used to expire before its first check (issue 24).
    let now = Date.now();
    const ring = new KeyRing([OLD], 'old', () => now);
    const { token, expiresAt } = await ring.sign(CLAIMS, 30);
    assert.equal((await ring.verify(token)).sub, CLAIMS.sub);
    now = expiresAt * 1000 - 1;
    assert.equal((await ring.verify(token)).sub, CLAIMS.sub, 'the second use answers from memory');
    now = expiresAt * 1000 + 1;
    assert.equal(await refusal(ring.verify(token)), 'Token expired');
  });

  test('a token altered after its original was remembered is still checked and refused', async () => {
    const ring = new KeyRing([OLD], 'old');
    const { token } = await ring.sign(CLAIMS, 600);
    await ring.verify(token);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
    assert.equal(await refusal(ring.verify(forged)), 'Invalid token');
  });

  test('a ring without the kid refuses a token another ring remembered (rings share nothing)', async () => {
    const both = new KeyRing([OLD, NEW], 'new');
    const newOnly = new KeyRing([NEW], 'new');
    const { token } = await new KeyRing([OLD], 'old').sign(CLAIMS, 600);
    assert.equal((await both.verify(token)).sid, CLAIMS.sid);
    assert.equal(await refusal(newOnly.verify(token)), 'Unknown signing key');
  });
});
