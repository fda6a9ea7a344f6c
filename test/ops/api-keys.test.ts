/** Issue 9: API keys for server-to-server integrators (X-API-Key), issued and revoked by admins. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { TRIP_BODY } from '../support/fixtures.js';

/** Low on purpose: the rate-limit test spends a fresh key's whole budget. */
const KEY_LIMIT_PER_MIN = 6;
const KEY_FORMAT = /^sl_live_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;
const ESTIMATE = { pickup: TRIP_BODY.pickup, dropoff: TRIP_BODY.dropoff, vehicleClass: 'economy' };

interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
}

describe('API keys for integrators', () => {
  let t: TestApp;
  let admin: TestUser;
  let tripId: string;

  before(async () => {
    t = await startTestApp('ops_api_keys', {
      DB_POOL_MAX: '5',
      RATE_LIMITS_DISABLED: 'false',
      API_KEY_RATE_LIMIT_PER_MIN: String(KEY_LIMIT_PER_MIN),
      DISPATCH_INLINE_FIRST_ROUND: 'false',
    });
    admin = await t.admin();
    const rider = await t.signup('rider');
    const trip = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: TRIP_BODY });
    assert.equal(trip.status, 201, JSON.stringify(trip.body));
    tripId = trip.body.data.id;
  });
  after(async () => t.close());

  const create = async (body: unknown, token = admin.accessToken) =>
    t.api('POST', '/api/v1/admin/api-keys', { token, body });
  const newKey = async (scopes: string[], name = 'partner'): Promise<CreatedKey> => {
    const res = await create({ name, scopes });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data;
  };
  const withKey = (key: string, method: string, path: string, body?: unknown) =>
    t.api(method, path, { headers: { 'x-api-key': key }, body });
  const listed = async (id: string) => {
    const res = await t.api('GET', '/api/v1/admin/api-keys?limit=100', { token: admin.accessToken });
    assert.equal(res.status, 200);
    return { entry: res.body.data.find((k: { id: string }) => k.id === id), raw: JSON.stringify(res.body) };
  };

  test('created: the full key is shown once; lists show only its prefix; the database holds only a hash', async () => {
    const res = await create({ name: '  Hotel concierge  ', scopes: ['pricing:read', 'pricing:read'] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const created = res.body.data;
    assert.match(created.key, KEY_FORMAT);
    assert.equal(created.key.split('_')[2], created.prefix);
    assert.deepEqual(
      {
        name: created.name,
        scopes: created.scopes,
        createdBy: created.createdBy,
        revokedAt: created.revokedAt,
        lastUsedAt: created.lastUsedAt,
      },
      { name: 'Hotel concierge', scopes: ['pricing:read'], createdBy: admin.id, revokedAt: null, lastUsedAt: null },
    );

    const { entry, raw } = await listed(created.id);
    assert.equal(entry.prefix, created.prefix);
    assert.equal('key' in entry, false);
    assert.equal(raw.includes(created.key.slice(-43)), false, 'the secret never appears in a list');
    const stored = await t.platform.database.pool.query(
      `SELECT row_to_json(k)::text AS row FROM "${t.schema}".api_keys k WHERE id = $1`,
      [created.id],
    );
    assert.equal(stored.rows[0].row.includes(created.key.slice(-43)), false, 'only a hash is stored');
  });

  test('a key with the scope is served (200); the wrong scope or a route without one is 403', async () => {
    const pricing = await newKey(['pricing:read']);
    const trips = await newKey(['trips:read']);

    const estimate = await withKey(pricing.key, 'POST', '/api/v1/pricing/estimate', ESTIMATE);
    assert.equal(estimate.status, 200, JSON.stringify(estimate.body));
    assert.equal(estimate.body.data.quotes[0].vehicleClass, 'economy');
    assert.equal(
      (
        await withKey(
          pricing.key,
          'GET',
          `/api/v1/pricing/surge-map?lat=${ESTIMATE.pickup.lat}&lng=${ESTIMATE.pickup.lng}`,
        )
      ).status,
      200,
    );

    const trip = await withKey(trips.key, 'GET', `/api/v1/trips/${tripId}`);
    assert.equal(trip.status, 200, JSON.stringify(trip.body));
    assert.equal(trip.body.data.id, tripId);
    assert.equal('otp' in trip.body.data, false, 'the ride OTP is the rider’s alone');

    const wrongScope = await withKey(pricing.key, 'GET', `/api/v1/trips/${tripId}`);
    assert.equal(wrongScope.status, 403);
    assert.equal(wrongScope.body.error.code, 'FORBIDDEN');
    assert.equal((await withKey(trips.key, 'POST', '/api/v1/pricing/estimate', ESTIMATE)).status, 403);
    for (const [method, path] of [
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/trips'],
      ['GET', '/api/v1/admin/api-keys'],
      ['POST', '/api/v1/trips'],
    ]) {
      assert.equal(
        (await withKey(trips.key, method!, path!, method === 'POST' ? TRIP_BODY : undefined)).status,
        403,
        `${method} ${path}`,
      );
    }
    const countBefore = await t.count('api_keys');
    assert.equal(
      (await withKey(trips.key, 'POST', '/api/v1/admin/api-keys', { name: 'self-made', scopes: ['trips:read'] }))
        .status,
      403,
      'a key cannot mint keys',
    );
    assert.equal(await t.count('api_keys'), countBefore);
  });

  test('unknown, malformed or doubled credentials ⇒ 401', async () => {
    const key = await newKey(['pricing:read']);
    const forged = `${key.key.slice(0, -4)}AAAA`;
    for (const bad of [forged, 'sl_live_000000000000_' + 'A'.repeat(43), 'not-a-key', '']) {
      const res = await withKey(bad, 'POST', '/api/v1/pricing/estimate', ESTIMATE);
      assert.equal(res.status, 401, bad);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    }
    const rider = await t.signup('rider');
    const both = await t.api('POST', '/api/v1/pricing/estimate', {
      token: rider.accessToken,
      headers: { 'x-api-key': key.key },
      body: ESTIMATE,
    });
    assert.equal(both.status, 401);
  });

  test('revoked ⇒ 401 from then on; revoking is idempotent; unknown id ⇒ 404', async () => {
    const key = await newKey(['pricing:read']);
    assert.equal((await withKey(key.key, 'POST', '/api/v1/pricing/estimate', ESTIMATE)).status, 200);
    const revoked = await t.api('DELETE', `/api/v1/admin/api-keys/${key.id}`, { token: admin.accessToken });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.ok(revoked.body.data.revokedAt);
    const res = await withKey(key.key, 'POST', '/api/v1/pricing/estimate', ESTIMATE);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    const again = await t.api('DELETE', `/api/v1/admin/api-keys/${key.id}`, { token: admin.accessToken });
    assert.equal(again.status, 200);
    assert.equal(again.body.data.revokedAt, revoked.body.data.revokedAt);
    assert.equal((await listed(key.id)).entry.revokedAt, revoked.body.data.revokedAt);
    assert.equal(
      (
        await t.api('DELETE', '/api/v1/admin/api-keys/00000000-0000-4000-8000-000000000000', {
          token: admin.accessToken,
        })
      ).status,
      404,
    );
  });

  test('last_used_at is stamped on use, at most once a minute', async () => {
    const key = await newKey(['pricing:read']);
    assert.equal((await withKey(key.key, 'POST', '/api/v1/pricing/estimate', ESTIMATE)).status, 200);
    let first: string | null = null;
    for (let i = 0; i < 50 && !first; i++) {
      first = (await listed(key.id)).entry.lastUsedAt;
      if (!first) await sleep(20);
    }
    assert.ok(first, 'last_used_at set after the first use');
    assert.equal((await withKey(key.key, 'POST', '/api/v1/pricing/estimate', ESTIMATE)).status, 200);
    await sleep(100);
    assert.equal((await listed(key.id)).entry.lastUsedAt, first, 'a second use within the minute writes nothing');
  });

  test(`per-key rate limit: ${KEY_LIMIT_PER_MIN}/min, then 429 with Retry-After; other keys unaffected`, async () => {
    const busy = await newKey(['pricing:read', 'trips:read']);
    const calm = await newKey(['pricing:read']);
    for (let i = 1; i <= KEY_LIMIT_PER_MIN; i++) {
      // Mixed routes: the budget belongs to the key, not to a route.
      const res =
        i % 2
          ? await withKey(busy.key, 'POST', '/api/v1/pricing/estimate', ESTIMATE)
          : await withKey(busy.key, 'GET', `/api/v1/trips/${tripId}`);
      assert.equal(res.status, 200, `request ${i}`);
      assert.equal(res.headers['x-ratelimit-limit'], String(KEY_LIMIT_PER_MIN));
      assert.equal(res.headers['x-ratelimit-remaining'], String(KEY_LIMIT_PER_MIN - i));
    }
    const limited = await withKey(busy.key, 'GET', `/api/v1/trips/${tripId}`);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal((await withKey(calm.key, 'POST', '/api/v1/pricing/estimate', ESTIMATE)).status, 200);
  });

  test('only admins manage keys (403 otherwise, nothing written)', async () => {
    const rider = await t.signup('rider');
    const before = await t.count('api_keys');
    assert.equal((await create({ name: 'mine', scopes: ['trips:read'] }, rider.accessToken)).status, 403);
    assert.equal((await t.api('GET', '/api/v1/admin/api-keys', { token: rider.accessToken })).status, 403);
    const some = (await t.api('GET', '/api/v1/admin/api-keys', { token: admin.accessToken })).body.data[0];
    assert.equal(
      (await t.api('DELETE', `/api/v1/admin/api-keys/${some.id}`, { token: rider.accessToken })).status,
      403,
    );
    assert.equal(
      (await t.api('POST', '/api/v1/admin/api-keys', { body: { name: 'anon', scopes: ['trips:read'] } })).status,
      401,
    );
    assert.equal(await t.count('api_keys'), before);
    assert.equal((await listed(some.id)).entry.revokedAt, some.revokedAt);
  });

  test('bad input ⇒ 400 VALIDATION_ERROR and nothing written', async () => {
    const before = await t.count('api_keys');
    const bodies = [
      {},
      { name: 'x' },
      { scopes: ['trips:read'] },
      { name: '', scopes: ['trips:read'] },
      { name: '   ', scopes: ['trips:read'] },
      { name: 'x'.repeat(101), scopes: ['trips:read'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['admin:all'] },
      { name: 'x', scopes: 'trips:read' },
      { name: 'x', scopes: ['trips:read'], extra: true },
    ];
    for (const body of bodies) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    assert.equal(
      (await t.api('DELETE', '/api/v1/admin/api-keys/not-a-uuid', { token: admin.accessToken })).status,
      400,
    );
    assert.equal((await t.api('GET', '/api/v1/admin/api-keys?limit=0', { token: admin.accessToken })).status, 400);
    assert.equal((await t.api('GET', '/api/v1/admin/api-keys?cursor=bogus', { token: admin.accessToken })).status, 400);
    assert.equal(await t.count('api_keys'), before);
  });
});
