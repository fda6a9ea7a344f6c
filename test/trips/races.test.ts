/**
 * Seed 003's race scenarios, proven by firing the requests at once and
 * counting: one trip, many drivers, exactly one winner, every time.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { OWN_OFFERS, TRIP_BODY, offer, query, requestTrip, tally } from '../support/fixtures.js';

const DRIVERS = 50;
/** 200 rounds is the seed's bar; RACE_ROUNDS lowers it for a quick local loop. */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 200);

describe('races (seed 003)', () => {
  let t: TestApp;
  let drivers: TestUser[];
  before(async () => {
    t = await startTestApp('races', { ...OWN_OFFERS, DB_POOL_MAX: '20' });
    drivers = [];
    for (let i = 0; i < DRIVERS; i += 10) {
      drivers.push(...(await Promise.all(Array.from({ length: Math.min(10, DRIVERS - i) }, () => t.driver()))));
    }
  });
  after(async () => t.close());

  const accept = (driver: TestUser, tripId: string) =>
    t.api('POST', `/api/v1/trips/${tripId}/driver-response`, { token: driver.accessToken, body: { action: 'accept' } });

  test(`${DRIVERS} offered drivers accept the same trip at once: exactly one wins, ${ROUNDS} rounds`, async () => {
    const rider = await t.signup('rider');
    const started = performance.now();
    let slowestRoundMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const roundStart = performance.now();
      const trip = await requestTrip(t, rider);
      await offer(
        t,
        trip.id,
        drivers.map((d) => d.id),
      );
      const results = await Promise.all(drivers.map((d) => accept(d, trip.id)));
      const counts = tally(results);
      assert.deepEqual(counts, { 200: 1, 409: DRIVERS - 1 }, `round ${round}: ${JSON.stringify(counts)}`);
      const winner = drivers[results.findIndex((r) => r.status === 200)]!;
      for (const loser of results.filter((r) => r.status === 409)) assert.equal(loser.body.error.code, 'CONFLICT');

      const [row] = await query<{ driver_id: string; status: string }>(
        t,
        'SELECT driver_id, status FROM $schema.trips WHERE id = $1',
        [trip.id],
      );
      assert.equal(row!.status, 'accepted');
      assert.equal(row!.driver_id, winner.id, 'the trip names the one driver who got 200');
      const offers = await query<{ status: string; n: number }>(
        t,
        'SELECT status, count(*)::int AS n FROM $schema.trip_offers WHERE trip_id = $1 GROUP BY status',
        [trip.id],
      );
      assert.deepEqual(Object.fromEntries(offers.map((o) => [o.status, o.n])), { accepted: 1, withdrawn: DRIVERS - 1 });

      // Free the winner and the rider for the next round.
      const cancelled = await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
        token: rider.accessToken,
        body: { reason: 'race round done' },
      });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      slowestRoundMs = Math.max(slowestRoundMs, performance.now() - roundStart);
    }
    const totalMs = performance.now() - started;
    const accepted = await query<{ n: number }>(
      t,
      "SELECT count(*)::int AS n FROM $schema.events WHERE type = 'trip.status_changed' AND payload->>'to' = " +
        "'accepted'",
    );
    assert.equal(accepted[0]!.n, ROUNDS, 'one acceptance event per round, never two');
    console.log(
      `# race: ${ROUNDS} rounds x ${DRIVERS} drivers in ${Math.round(totalMs)} ms (avg ` +
        `${Math.round(totalMs / ROUNDS)} ms, slowest ${Math.round(slowestRoundMs)} ms)`,
    );
  });

  test('a driver offered two trips who accepts both at once wins at most one', async () => {
    const driver = drivers[0]!;
    const riders = await Promise.all([t.signup('rider'), t.signup('rider')]);
    for (let round = 0; round < 20; round++) {
      const trips = await Promise.all(riders.map((r) => requestTrip(t, r)));
      for (const trip of trips) await offer(t, trip.id, [driver.id]);
      const results = await Promise.all(trips.map((trip) => accept(driver, trip.id)));
      assert.deepEqual(tally(results), { 200: 1, 409: 1 }, `round ${round}`);
      const active = await query<{ n: number }>(
        t,
        'SELECT count(*)::int AS n FROM $schema.trips WHERE driver_id = $1 AND status IN ' +
          "('accepted','arrived','started')",
        [driver.id],
      );
      assert.equal(active[0]!.n, 1);
      for (const [i, trip] of trips.entries()) {
        const res = await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
          token: riders[i]!.accessToken,
          body: { reason: 'next round' },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
    }
  });

  test('a rider with an active trip cannot request another (409)', async () => {
    const rider = await t.signup('rider');
    await requestTrip(t, rider);
    const second = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: TRIP_BODY });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'CONFLICT');
  });

  test('10 parallel POST /trips from one rider: exactly one 201, one trip row', async () => {
    for (let round = 0; round < 5; round++) {
      const rider = await t.signup('rider');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: TRIP_BODY })),
      );
      assert.deepEqual(tally(results), { 201: 1, 409: 9 });
      const rows = await query<{ n: number }>(t, 'SELECT count(*)::int AS n FROM $schema.trips WHERE rider_id = $1', [
        rider.id,
      ]);
      assert.equal(rows[0]!.n, 1);
    }
  });
});
