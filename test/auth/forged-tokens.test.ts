/**
 * Nobody can mint access: no constant development secret signs tokens,
 * metrics or deposit webhooks, and the role that authorizes a request is the
 * user's current one (from Postgres, cached with the session), never the
 * role claim inside a token. A role change or suspension reaches every node.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyRing } from '../../src/modules/auth/index.js';
import type { App } from '../../src/app.js';
import { startSecondNode, startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { FakeKashier } from '../payments/fake-kashier.js';
import { query } from '../support/fixtures.js';

/** The constant development secrets earlier versions shipped (public in the repository). */
const PUBLISHED_JWT = { kid: 'dev-1', secret: 'dev-only-jwt-secret-change-me-0123456789abcdef' };
const PUBLISHED_METRICS_TOKEN = 'dev-metrics-token';
const PUBLISHED_KASHIER_KEY = 'dev-only-kashier-api-key-change-me';
const ADMIN_ROUTE = '/api/v1/admin/finance/alerts';
/** Brief: a role change or suspension is in force on every node within 2 s. */
const PROPAGATION_BUDGET_MS = 2_000;

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; sid: string; role: string };

/** A token for `user`'s own session, signed with `key`, claiming the admin role. */
async function adminClaimFor(user: TestUser, key: { kid: string; secret: string }): Promise<string> {
  const { sub, sid } = claimsOf(user.accessToken);
  return (await new KeyRing([key], key.kid).sign({ sub, role: 'admin', sid }, 600)).token;
}

const statusOn = async (app: App, token: string, url = ADMIN_ROUTE) =>
  (await app.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode;

/** Milliseconds until `app` answers `status` for the token, or Infinity after the budget. */
async function timeUntil(app: App, token: string, status: number, url = ADMIN_ROUTE): Promise<number> {
  const started = Date.now();
  while (Date.now() - started <= PROPAGATION_BUDGET_MS) {
    if ((await statusOn(app, token, url)) === status) return Date.now() - started;
    await sleep(10);
  }
  return Infinity;
}

describe('no forgeable access on a default (non-production) install', () => {
  let t: TestApp;
  let b: Awaited<ReturnType<typeof startSecondNode>>;
  before(async () => {
    // No JWT_KEYS, QUOTE_SECRET, METRICS_TOKEN or KASHIER_API_KEY: the defaults a newcomer runs with.
    t = await startTestApp('forged_tokens', { DB_POOL_MAX: '6', DISPATCH_INLINE_FIRST_ROUND: 'false' });
    b = await startSecondNode(t);
  });
  after(async () => {
    await b?.close();
    await t.close();
  });

  test('an admin token signed with the published development key is refused (401)', async () => {
    const rider = await t.signup('rider');
    const res = await t.api('GET', ADMIN_ROUTE, { token: await adminClaimFor(rider, PUBLISHED_JWT) });
    assert.equal(res.status, 401, JSON.stringify(res.body));
  });

  test('the published metrics token does not read /metrics', async () => {
    assert.equal(
      (await t.api('GET', '/metrics', { headers: { authorization: `Bearer ${PUBLISHED_METRICS_TOKEN}` } })).status,
      401,
    );
  });

  test('a deposit webhook signed with the published Kashier key is refused and credits nothing', async () => {
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 5_000 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const stranger = await FakeKashier.start({ apiKey: PUBLISHED_KASHIER_KEY, merchantId: 'MID-dev-0000' });
    try {
      stranger.webhookUrl = `${await t.listen()}/api/v1/webhooks/kashier`;
      const data = stranger.paymentData({
        merchantOrderId: created.body.data.depositId,
        amount: '50.00',
        currency: 'EGP',
        status: 'SUCCESS',
      });
      assert.equal((await stranger.deliver(data)).status, 401);
    } finally {
      await stranger.close();
    }
    assert.equal((await t.api('GET', '/api/v1/wallet', { token: rider.accessToken })).body.data.balance, 0);
  });

  test(
    "a token signed with the real key but claiming admin for a rider's session is 403: the role comes from the " +
      'user',
    async () => {
      const rider = await t.signup('rider');
      const forged = await adminClaimFor(
        rider,
        t.config.jwtKeys.find((k) => k.kid === t.config.jwtActiveKid)!,
      );
      const res = await t.api('GET', ADMIN_ROUTE, { token: forged });
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'FORBIDDEN');
    },
  );

  test(
    'an admin promotes and demotes a user: both nodes use the new role within 2 s, with the same ' + 'token',
    async () => {
      const admin = await t.admin();
      const user = await t.signup('rider');
      for (const app of [t.app, b.app])
        assert.equal(await statusOn(app, user.accessToken), 403, 'both nodes cached the session as a rider');
      const promoted = await t.api('PATCH', `/api/v1/admin/users/${user.id}`, {
        token: admin.accessToken,
        body: { role: 'admin' },
      });
      assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
      assert.equal(promoted.body.data.role, 'admin');
      for (const app of [t.app, b.app])
        assert.ok((await timeUntil(app, user.accessToken, 200)) < PROPAGATION_BUDGET_MS, 'promotion applies');
      await t.api('PATCH', `/api/v1/admin/users/${user.id}`, { token: admin.accessToken, body: { role: 'rider' } });
      for (const app of [t.app, b.app])
        assert.ok((await timeUntil(app, user.accessToken, 403)) < PROPAGATION_BUDGET_MS, 'demotion applies');
    },
  );

  test("an operator's SQL role change reaches both nodes within 2 s", async () => {
    const user = await t.signup('driver');
    for (const app of [t.app, b.app]) assert.equal(await statusOn(app, user.accessToken), 403);
    await query(t, `UPDATE $schema.users SET role = 'admin' WHERE id = $1`, [user.id]);
    for (const app of [t.app, b.app]) assert.ok((await timeUntil(app, user.accessToken, 200)) < PROPAGATION_BUDGET_MS);
  });

  test(
    'a suspended user is refused on both nodes within 2 s, cannot sign in, and lifting it needs a new ' + 'sign-in',
    async () => {
      const admin = await t.admin();
      const user = await t.signup('rider');
      for (const app of [t.app, b.app]) assert.equal(await statusOn(app, user.accessToken, '/api/v1/me'), 200);
      const suspended = await t.api('PATCH', `/api/v1/admin/users/${user.id}`, {
        token: admin.accessToken,
        body: { suspended: true },
      });
      assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
      assert.equal(suspended.body.data.suspended, true);
      for (const app of [t.app, b.app])
        assert.ok(
          (await timeUntil(app, user.accessToken, 401, '/api/v1/me')) < PROPAGATION_BUDGET_MS,
          'suspension applies',
        );
      const login = await t.api('POST', '/api/v1/auth/login', {
        body: { phone: user.phone, password: 'password-123' },
      });
      assert.equal(login.status, 403, JSON.stringify(login.body));
      assert.equal(
        (await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
        401,
      );
      await t.api('PATCH', `/api/v1/admin/users/${user.id}`, { token: admin.accessToken, body: { suspended: false } });
      assert.equal(await statusOn(t.app, user.accessToken, '/api/v1/me'), 401, 'the old session stays ended');
      assert.equal(
        (await t.api('POST', '/api/v1/auth/login', { body: { phone: user.phone, password: 'password-123' } })).status,
        200,
      );
    },
  );

  test(
    'access changes: bad input is 400, unknown user 404, non-admins 403, an admin cannot change ' + 'themselves',
    async () => {
      const admin = await t.admin();
      const rider = await t.signup('rider');
      const patch = (token: string, id: string, body: unknown) =>
        t.api('PATCH', `/api/v1/admin/users/${id}`, { token, body });
      for (const body of [{}, { role: 'owner' }, { suspended: 'yes' }, { role: 'admin', extra: 1 }]) {
        const res = await patch(admin.accessToken, rider.id, body);
        assert.deepEqual([res.status, res.body.error?.code], [400, 'VALIDATION_ERROR'], JSON.stringify(body));
      }
      assert.equal(
        (await patch(admin.accessToken, '00000000-0000-4000-8000-000000000000', { role: 'driver' })).status,
        404,
      );
      assert.equal((await patch(rider.accessToken, rider.id, { role: 'admin' })).status, 403);
      assert.equal((await patch(admin.accessToken, admin.id, { suspended: true })).status, 403);
      assert.equal(
        (await query<{ role: string }>(t, 'SELECT role FROM $schema.users WHERE id = $1', [rider.id]))[0]!.role,
        'rider',
        'nothing written',
      );
    },
  );
});
