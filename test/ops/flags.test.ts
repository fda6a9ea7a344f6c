/** Issue 9: feature flags changed at runtime by an admin, seen by every node within 5 s, audited. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSecondNode, startTestApp, type ApiResponse, type TestApp, type TestUser } from '../../support/harness.js';
import type { Platform } from '../../src/platform/runtime.js';
import { DEMAND_WINDOW_MS, surgeCellOf } from '../../src/modules/pricing/index.js';
import type { FlagName } from '../../src/platform/flags.js';

/** Issue 9: a flag change reaches every node within 5 s. */
const PROPAGATION_BUDGET_MS = 5_000;

/** Milliseconds until `platform.flags.isOn(name)` equals `want` (checked every 5 ms), or Infinity after the budget. */
async function timeUntil(platform: Platform, name: FlagName, want: boolean, startedAt: number): Promise<number> {
  while (Date.now() - startedAt <= PROPAGATION_BUDGET_MS * 2) {
    if (platform.flags.isOn(name) === want) return Date.now() - startedAt;
    await sleep(5);
  }
  return Infinity;
}

describe('feature flags at runtime (two nodes, one schema)', () => {
  let a: TestApp;
  let b: Awaited<ReturnType<typeof startSecondNode>>;
  let admin: TestUser;

  /** Node B over HTTP, like `a.api`. */
  const apiB = async (
    method: 'GET' | 'PUT' | 'DELETE',
    url: string,
    opts: { token?: string; body?: unknown } = {},
  ): Promise<ApiResponse> => {
    const res = await b.app.http.inject({
      method,
      url,
      payload: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
    return {
      status: res.statusCode,
      body: res.body ? res.json() : undefined,
      headers: res.headers as ApiResponse['headers'],
    };
  };
  const put = (token: string, name: string, body: unknown) =>
    a.api('PUT', `/api/v1/admin/flags/${name}`, { token, body });
  const written = async () => ({ overrides: await a.count('feature_flags'), changes: await a.count('flag_changes') });

  before(async () => {
    a = await startTestApp('ops_flags', { DB_POOL_MAX: '5', DISPATCH_INLINE_FIRST_ROUND: 'false' });
    b = await startSecondNode(a);
    admin = await a.admin();
  });
  after(async () => {
    await b?.close();
    await a.close();
  });

  test('every flag is listed with its env default until an admin overrides it', async () => {
    const res = await apiB('GET', '/api/v1/admin/flags', { token: admin.accessToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.data.map((f: { name: string }) => f.name).sort(), [
      'ANALYTICS_DISABLED',
      'LEGACY_EVENTS',
      'LOCATION_HISTORY_DISABLED',
      'MATCHING_DEGRADED',
      'NOTIFICATIONS_DEGRADED',
      'SURGE_DISABLED',
    ]);
    for (const flag of res.body.data)
      assert.deepEqual(flag, {
        name: flag.name,
        enabled: false,
        source: 'env',
        envDefault: false,
        updatedAt: null,
        updatedBy: null,
      });
    assert.deepEqual(await written(), { overrides: 0, changes: 0 });
  });

  test(
    'PUT on node A: node B flips within 5 s (LISTEN/NOTIFY), the change is audited, a repeat changes ' + 'nothing',
    async (ctx) => {
      assert.equal(b.platform.flags.isOn('ANALYTICS_DISABLED'), false);
      const startedAt = Date.now();
      const res = await put(admin.accessToken, 'ANALYTICS_DISABLED', { enabled: true, reason: 'warehouse migration' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const elapsed = await timeUntil(b.platform, 'ANALYTICS_DISABLED', true, startedAt);
      ctx.diagnostic(`node B saw ANALYTICS_DISABLED=on ${elapsed} ms after the PUT on node A was sent`);
      assert.ok(elapsed <= PROPAGATION_BUDGET_MS, `took ${elapsed} ms`);
      assert.equal(a.platform.flags.isOn('ANALYTICS_DISABLED'), true, 'the node that answered is already switched');
      assert.equal(res.body.data.enabled, true);
      assert.equal(res.body.data.source, 'override');
      assert.equal(res.body.data.updatedBy, admin.id);

      const listed = (await apiB('GET', '/api/v1/admin/flags', { token: admin.accessToken })).body.data.find(
        (f: { name: string }) => f.name === 'ANALYTICS_DISABLED',
      );
      assert.deepEqual(
        { ...listed, updatedAt: typeof listed.updatedAt },
        {
          name: 'ANALYTICS_DISABLED',
          enabled: true,
          source: 'override',
          envDefault: false,
          updatedAt: 'string',
          updatedBy: admin.id,
        },
      );

      const audit = await apiB('GET', '/api/v1/admin/flags/audit?flag=ANALYTICS_DISABLED', {
        token: admin.accessToken,
      });
      assert.equal(audit.status, 200);
      assert.equal(audit.body.data.length, 1);
      assert.deepEqual(
        { ...audit.body.data[0], id: 0, changedAt: 0 },
        {
          id: 0,
          flag: 'ANALYTICS_DISABLED',
          oldEnabled: false,
          newEnabled: true,
          overrideRemoved: false,
          reason: 'warehouse migration',
          changedBy: admin.id,
          changedAt: 0,
        },
      );

      const again = await put(admin.accessToken, 'ANALYTICS_DISABLED', {
        enabled: true,
        reason: 'warehouse migration',
      });
      assert.equal(again.status, 200);
      assert.equal(again.body.data.updatedAt, res.body.data.updatedAt, 'PUT is idempotent: same state, no new write');
      assert.equal(await a.count('flag_changes'), 1);
    },
  );

  test('a missed notification is caught by the periodic re-read within 5 s', async (ctx) => {
    // Written behind the API's back: no NOTIFY is sent, only the poll can find it.
    const startedAt = Date.now();
    await a.platform.database.pool.query(
      `INSERT INTO "${a.schema}".feature_flags (name, enabled) VALUES ('LOCATION_HISTORY_DISABLED', true)`,
    );
    const [onA, onB] = await Promise.all([
      timeUntil(a.platform, 'LOCATION_HISTORY_DISABLED', true, startedAt),
      timeUntil(b.platform, 'LOCATION_HISTORY_DISABLED', true, startedAt),
    ]);
    ctx.diagnostic(
      `without NOTIFY: node A after ${onA} ms, node B after ${onB} ms (FLAGS_REFRESH_MS=${a.config.FLAGS_REFRESH_MS})`,
    );
    assert.ok(Math.max(onA, onB) <= PROPAGATION_BUDGET_MS, `took ${onA} / ${onB} ms`);
  });

  test('SURGE_DISABLED switched on node B: a rider pricing on node A stops paying surge', async () => {
    const rider = await a.signup('rider');
    const pickup = { lat: 30.31, lng: 31.41 };
    // Three requests in the cell, no drivers: surge 1.8 (API.md table).
    for (let i = 0; i < 3; i++)
      await a.platform.hotState.incrementWindowCounter(`surge:demand:${surgeCellOf(pickup)}`, DEMAND_WINDOW_MS);
    const estimate = async () => {
      const res = await a.api('POST', '/api/v1/pricing/estimate', {
        token: rider.accessToken,
        body: { pickup, dropoff: { lat: 30.35, lng: 31.45 }, vehicleClass: 'economy' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data.quotes[0] as { surge: number; amount: number };
    };
    const surged = await estimate();
    assert.equal(surged.surge, 1.8);

    const startedAt = Date.now();
    const res = await apiB('PUT', '/api/v1/admin/flags/SURGE_DISABLED', {
      token: admin.accessToken,
      body: { enabled: true, reason: 'pricing incident' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok((await timeUntil(a.platform, 'SURGE_DISABLED', true, startedAt)) <= PROPAGATION_BUDGET_MS);
    const calm = await estimate();
    assert.equal(calm.surge, 1);
    assert.ok(calm.amount < surged.amount, `${calm.amount} < ${surged.amount}`);
    const map = await a.api('GET', `/api/v1/pricing/surge-map?lat=${pickup.lat}&lng=${pickup.lng}`, {
      token: rider.accessToken,
    });
    assert.ok(map.body.data.cells.every((c: { multiplier: number }) => c.multiplier === 1));

    // Removing the override returns to the env default (off) everywhere; the surge (still held) is back.
    assert.equal(
      (await a.api('DELETE', '/api/v1/admin/flags/SURGE_DISABLED?reason=incident%20over', { token: admin.accessToken }))
        .status,
      204,
    );
    assert.ok((await timeUntil(b.platform, 'SURGE_DISABLED', false, Date.now())) <= PROPAGATION_BUDGET_MS);
    assert.ok((await timeUntil(a.platform, 'SURGE_DISABLED', false, Date.now())) <= PROPAGATION_BUDGET_MS);
    assert.equal((await estimate()).surge, 1.8);
    const audit = (await a.api('GET', '/api/v1/admin/flags/audit?flag=SURGE_DISABLED', { token: admin.accessToken }))
      .body.data;
    assert.deepEqual(
      audit.map((c: { oldEnabled: boolean; newEnabled: boolean; overrideRemoved: boolean; reason: string }) => [
        c.oldEnabled,
        c.newEnabled,
        c.overrideRemoved,
        c.reason,
      ]),
      [
        [true, false, true, 'incident over'],
        [false, true, false, 'pricing incident'],
      ],
    );
  });

  test('only admins: riders and drivers get 403 and nothing is written', async () => {
    const before = await written();
    for (const user of [await a.signup('rider'), await a.signup('driver')]) {
      assert.equal((await put(user.accessToken, 'MATCHING_DEGRADED', { enabled: true })).status, 403);
      assert.equal((await a.api('GET', '/api/v1/admin/flags', { token: user.accessToken })).status, 403);
      assert.equal((await a.api('GET', '/api/v1/admin/flags/audit', { token: user.accessToken })).status, 403);
      assert.equal(
        (await a.api('DELETE', '/api/v1/admin/flags/ANALYTICS_DISABLED', { token: user.accessToken })).status,
        403,
      );
    }
    assert.equal(
      (await a.api('PUT', '/api/v1/admin/flags/MATCHING_DEGRADED', { body: { enabled: true } })).status,
      401,
    );
    assert.deepEqual(await written(), before);
    assert.equal(b.platform.flags.isOn('MATCHING_DEGRADED'), false);
  });

  test('unknown flag ⇒ 404, bad body ⇒ 400; nothing written either way', async () => {
    const before = await written();
    const unknown = await put(admin.accessToken, 'TELEPORT_ENABLED', { enabled: true });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'NOT_FOUND');
    assert.equal((await put(admin.accessToken, 'surge_disabled', { enabled: true })).status, 404, 'names are exact');
    assert.equal(
      (await a.api('DELETE', '/api/v1/admin/flags/TELEPORT_ENABLED', { token: admin.accessToken })).status,
      404,
    );
    assert.equal(
      (await a.api('GET', '/api/v1/admin/flags/audit?flag=TELEPORT_ENABLED', { token: admin.accessToken })).status,
      404,
    );
    for (const body of [
      {},
      { enabled: 'yes' },
      { enabled: 1 },
      { enabled: true, reason: '' },
      { enabled: true, reason: 'x'.repeat(501) },
      { enabled: true, extra: 1 },
    ]) {
      const res = await put(admin.accessToken, 'MATCHING_DEGRADED', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    assert.deepEqual(await written(), before);
    assert.equal(a.platform.flags.isOn('MATCHING_DEGRADED'), false);
  });
});
