/**
 * Secret rotation without downtime (docs/operations/secret-rotation.md):
 * JWT signing keys roll through JWT_KEYS / JWT_ACTIVE_KID, and a Kashier key
 * being replaced keeps verifying webhooks until KASHIER_PREVIOUS_KEY_UNTIL.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { webhookKeys } from '../../src/modules/payments/kashier-webhook.service.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { KASHIER_TEST_ENV } from '../payments/fake-kashier.js';
import { sql, startPaymentsApp, wallet, applied, type PaymentsTest } from '../payments/support.js';

const OLD_KEY = `2025-01:${'o'.repeat(48)}`;
const NEW_KEY = `2025-07:${'n'.repeat(48)}`;
const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe('JWT key rotation', () => {
  // One database schema, three deployments of it: before, during and after the rotation.
  let before_: TestApp;
  let during: TestApp;
  let afterwards: TestApp;
  before(async () => {
    before_ = await startTestApp('ops_jwt_rotation', { JWT_KEYS: OLD_KEY, DB_POOL_MAX: '3' });
    during = await startTestApp('ops_jwt_rotation_b', {
      DB_SCHEMA: before_.schema,
      JWT_KEYS: `${OLD_KEY},${NEW_KEY}`,
      JWT_ACTIVE_KID: '2025-07',
      DB_POOL_MAX: '3',
    });
    afterwards = await startTestApp('ops_jwt_rotation_c', {
      DB_SCHEMA: before_.schema,
      JWT_KEYS: NEW_KEY,
      DB_POOL_MAX: '3',
    });
  });
  after(async () => {
    await afterwards?.close();
    await during?.close();
    await before_?.close(); // drops the shared schema
  });

  test(
    'a token signed by the old kid still works once a new kid signs, and stops working when the old kid is ' +
      'removed',
    async () => {
      const rider = await before_.signup('rider');
      assert.equal(kidOf(rider.accessToken), '2025-01');

      const me = await during.api('GET', '/api/v1/me', { token: rider.accessToken });
      assert.equal(me.status, 200, 'old-kid token verifies while both keys are configured');
      assert.equal(me.body.data.id, rider.id);
      const login = await during.api('POST', '/api/v1/auth/login', {
        body: { phone: rider.phone, password: 'password-123' },
      });
      assert.equal(login.status, 200);
      const fresh = login.body.data.accessToken as string;
      assert.equal(kidOf(fresh), '2025-07', 'new tokens are signed by the active kid');
      assert.equal(
        (await before_.api('GET', '/api/v1/me', { token: fresh })).status,
        401,
        'a node without the new key cannot verify it (roll keys out before switching the active kid)',
      );

      const stale = await afterwards.api('GET', '/api/v1/me', { token: rider.accessToken });
      assert.equal(stale.status, 401, 'old-kid token refused once the old key is gone');
      assert.equal(stale.body.error.code, 'UNAUTHENTICATED');
      assert.equal((await afterwards.api('GET', '/api/v1/me', { token: fresh })).status, 200);
    },
  );

  test('removing the old kid logs nobody out: the refresh token gets a token from the new key', async () => {
    const rider = await before_.signup('rider');
    assert.equal((await afterwards.api('GET', '/api/v1/me', { token: rider.accessToken })).status, 401);
    const refreshed = await afterwards.api('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: rider.refreshToken },
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const token = refreshed.body.data.accessToken as string;
    assert.equal(kidOf(token), '2025-07');
    assert.equal((await afterwards.api('GET', '/api/v1/me', { token })).status, 200);
  });
});

/** A paid deposit's webhook, signed with the key being rotated out. */
async function payWithPreviousKey(ctx: PaymentsTest, amount: number, major: string) {
  const rider = await ctx.t.signup('rider');
  const created = await ctx.t.api('POST', '/api/v1/wallet/deposits', { token: rider.accessToken, body: { amount } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const depositId = created.body.data.depositId as string;
  const data = ctx.kashier.paymentData({
    merchantOrderId: depositId,
    amount: major,
    currency: 'EGP',
    status: 'SUCCESS',
  });
  const eventsBefore = await ctx.t.count('provider_events');
  const res = await ctx.kashier.deliver(data, { key: KASHIER_TEST_ENV.KASHIER_API_KEY_PREVIOUS });
  return { rider, depositId, data, res, eventsBefore };
}

describe('Kashier key rotation: the previous key is accepted during the grace window', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('ops_kashier_in_window', {
      DB_POOL_MAX: '6',
      KASHIER_PREVIOUS_KEY_UNTIL: new Date(Date.now() + 3_600_000).toISOString(),
    });
  });
  after(async () => ctx?.close());

  test('a webhook signed with the previous key credits the deposit', async () => {
    const { rider, data, res } = await payWithPreviousKey(ctx, 4_200, '42.00');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(await applied(ctx.t, data.transactionId), 'credited');
    assert.equal((await wallet(ctx.t, rider)).balance, 4_200);
  });
});

describe('Kashier key rotation: after the grace window the previous key is refused', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('ops_kashier_after_window', {
      DB_POOL_MAX: '6',
      KASHIER_PREVIOUS_KEY_UNTIL: new Date(Date.now() - 60_000).toISOString(),
    });
  });
  after(async () => ctx?.close());

  test('a webhook signed with the previous key is 401 and writes nothing; the current key still credits', async () => {
    const { t, kashier } = ctx;
    const { rider, depositId, data, res, eventsBefore } = await payWithPreviousKey(ctx, 3_100, '31.00');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    assert.equal(await t.count('provider_events'), eventsBefore, 'no inbox row');
    const [deposit] = await sql(t, 'SELECT status FROM $schema.deposits WHERE id = $1', [depositId]);
    assert.equal(deposit.status, 'pending');
    assert.equal((await wallet(t, rider)).balance, 0);

    const current = await kashier.deliver(data);
    assert.equal(current.status, 200, 'the same payment signed with the current key is accepted');
    assert.equal(await applied(t, data.transactionId), 'credited');
    assert.equal((await wallet(t, rider)).balance, 3_100);
  });
});

test(
  'the grace window closes at KASHIER_PREVIOUS_KEY_UNTIL without a restart; without it both keys stay ' + 'accepted',
  () => {
    const until = new Date('2025-03-01T00:00:00Z');
    const config = { kashierApiKeys: ['current-key', 'previous-key'], KASHIER_PREVIOUS_KEY_UNTIL: until };
    assert.deepEqual(webhookKeys(config, new Date(until.getTime() - 1)), ['current-key', 'previous-key']);
    assert.deepEqual(webhookKeys(config, until), ['current-key']);
    assert.deepEqual(
      webhookKeys({ ...config, KASHIER_PREVIOUS_KEY_UNTIL: undefined }, new Date('2030-01-01T00:00:00Z')),
      ['current-key', 'previous-key'],
    );
  },
);
