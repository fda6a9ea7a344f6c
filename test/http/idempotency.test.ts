/** Idempotency-Key (Stripe semantics, stored in Postgres): replays, mismatches, concurrency, release on 5xx. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { OWN_OFFERS, TRIP_BODY, offer, query, requestTrip, tally } from '../support/fixtures.js';

describe('idempotency', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('idempotency', { ...OWN_OFFERS, DB_POOL_MAX: '10' });
  });
  after(async () => t.close());

  const createTrip = (rider: TestUser, key: string, body: object = TRIP_BODY) =>
    t.api('POST', '/api/v1/trips', { token: rider.accessToken, body, headers: { 'idempotency-key': key } });
  const tripsOf = async (rider: TestUser) =>
    (await query<{ n: number }>(t, 'SELECT count(*)::int AS n FROM $schema.trips WHERE rider_id = $1', [rider.id]))[0]!
      .n;

  test('a replay returns the first status and body with Idempotent-Replay: true, and creates nothing', async () => {
    const rider = await t.signup('rider');
    const key = randomUUID();
    const first = await createTrip(rider, key);
    assert.equal(first.status, 201);
    assert.equal(first.headers['idempotent-replay'], undefined);
    for (let i = 0; i < 3; i++) {
      const replay = await createTrip(rider, key);
      assert.equal(replay.status, 201);
      assert.equal(replay.headers['idempotent-replay'], 'true');
      assert.match(String(replay.headers['content-type']), /application\/json/);
      assert.deepEqual(replay.body, first.body);
    }
    assert.equal(await tripsOf(rider), 1);
  });

  test('the same key with a different body ⇒ 422 IDEMPOTENCY_MISMATCH', async () => {
    const rider = await t.signup('rider');
    const key = randomUUID();
    assert.equal((await createTrip(rider, key)).status, 201);
    const other = await createTrip(rider, key, { ...TRIP_BODY, vehicleClass: 'comfort' });
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'IDEMPOTENCY_MISMATCH');
    const otherRoute = await t.api('POST', '/api/v1/auth/logout', {
      token: rider.accessToken,
      headers: { 'idempotency-key': key },
    });
    assert.equal(otherRoute.status, 204, 'routes that are not idempotent ignore the header');
    assert.equal(await tripsOf(rider), 1);
  });

  test(
    '10 concurrent requests with one key: exactly one 201, the rest replay or 409 IDEMPOTENCY_KEY_IN_USE; one ' +
      'trip',
    async () => {
      for (let round = 0; round < 5; round++) {
        const rider = await t.signup('rider');
        const key = randomUUID();
        const results = await Promise.all(Array.from({ length: 10 }, () => createTrip(rider, key)));
        const fresh = results.filter((r) => r.status === 201 && !r.headers['idempotent-replay']);
        assert.equal(fresh.length, 1, JSON.stringify(tally(results)));
        for (const r of results) {
          if (r === fresh[0]) continue;
          if (r.status === 201) {
            assert.equal(r.headers['idempotent-replay'], 'true');
            assert.deepEqual(r.body, fresh[0]!.body);
          } else {
            assert.equal(r.status, 409);
            assert.equal(r.body.error.code, 'IDEMPOTENCY_KEY_IN_USE');
          }
        }
        assert.equal(await tripsOf(rider), 1);
      }
    },
  );

  test('keys are per user: two riders may use the same key', async () => {
    const [a, b] = await Promise.all([t.signup('rider'), t.signup('rider')]);
    const key = 'shared-client-key-1';
    const ra = await createTrip(a, key);
    const rb = await createTrip(b, key);
    assert.equal(ra.status, 201);
    assert.equal(rb.status, 201);
    assert.equal(rb.headers['idempotent-replay'], undefined);
    assert.notEqual(ra.body.data.id, rb.body.data.id);
  });

  test('a key longer than 255 characters ⇒ 400, nothing created', async () => {
    const rider = await t.signup('rider');
    const res = await createTrip(rider, 'k'.repeat(256));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    assert.equal(await tripsOf(rider), 0);
    assert.equal((await createTrip(rider, 'k'.repeat(255))).status, 201, '255 is fine');
  });

  test('a driver retrying an accept with the same key gets the same 200, not a 409', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await requestTrip(t, rider);
    await offer(t, trip.id, [driver.id]);
    const key = randomUUID();
    const accept = () =>
      t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
        token: driver.accessToken,
        body: { action: 'accept' },
        headers: { 'idempotency-key': key },
      });
    const first = await accept();
    assert.equal(first.status, 200);
    const retry = await accept();
    assert.equal(retry.status, 200);
    assert.equal(retry.headers['idempotent-replay'], 'true');
    const noKey = await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
      token: driver.accessToken,
      body: { action: 'accept' },
    });
    assert.equal(noKey.status, 409, 'without the key the second accept is a plain conflict');
  });

  test('a 5xx releases the key: the client may retry it and succeed', async () => {
    const rider = await t.signup('rider');
    const key = randomUUID();
    // Make the trip insert fail server-side for this rider only.
    await query(
      t,
      `CREATE FUNCTION $schema.fail_trip_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION ` +
        `'injected failure'; END $$`,
    );
    await query(
      t,
      `CREATE TRIGGER fail_trip_insert BEFORE INSERT ON $schema.trips FOR EACH ROW WHEN (NEW.rider_id = ` +
        `'${rider.id}') EXECUTE FUNCTION $schema.fail_trip_insert()`,
    );
    try {
      const failed = await createTrip(rider, key);
      assert.equal(failed.status, 500);
      assert.deepEqual(failed.body.error, { code: 'INTERNAL', message: 'Internal error' });
    } finally {
      await query(t, 'DROP TRIGGER fail_trip_insert ON $schema.trips');
      await query(t, 'DROP FUNCTION $schema.fail_trip_insert()');
    }
    const retry = await createTrip(rider, key);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.equal(retry.headers['idempotent-replay'], undefined);
    assert.equal(await tripsOf(rider), 1);
  });
});
