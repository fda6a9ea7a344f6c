import { randomUUID } from 'node:crypto';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { PICKUP, eventually, northOf, reportPosition, sleep } from './support.js';
import { retrying503 } from '../support/client-retry.js';

const N = 100;

/** Deterministic spread of points within ~2 km of the centre. */
const around = (i: number, salt: number) => ({
  lat: PICKUP.lat + (((i * 37 + salt) % 41) - 20) * 0.0009,
  lng: PICKUP.lng + (((i * 53 + salt * 7) % 43) - 21) * 0.0009,
});

async function inBatches<T>(n: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size)
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, k) => make(i + k)))));
  return out;
}

describe('100 concurrent requests, 100 drivers accepting every offer', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('dispatch_concurrency', { DISPATCH_TIME_SCALE: '0.5', DB_POOL_MAX: '40' });
    await t.platform.jobs.start();
  });
  after(async () => t.close());

  test('no driver ends up on two trips, every rider is matched exactly once, driver states agree', async () => {
    const drivers = await inBatches(N, 10, () => t.driver());
    const riders = await inBatches(N, 10, () => t.signup('rider'));
    // Positions go stale after 60 s (API.md): report them now and keep a heartbeat, as driver apps do
    // (each app on its own: one failed report must not skip everyone else's).
    await inBatches(N, 20, (i) => reportPosition(t, drivers[i]!, around(i, 1)));
    const heartbeat = () => inBatches(N, 20, (i) => reportPosition(t, drivers[i]!, around(i, 1)).catch(() => {}));
    const beating = setInterval(() => void heartbeat(), 15_000);
    after(() => clearInterval(beating));
    const outcomes: Record<number, number> = {};
    let retried503 = 0;
    // A driver app retries a 503 after its Retry-After (the offer stays open meanwhile), a few times.
    const accept = (driver: TestUser, tripId: string) =>
      retrying503(
        () =>
          t.api('POST', `/api/v1/trips/${tripId}/driver-response`, {
            token: driver.accessToken,
            body: { action: 'accept' },
          }),
        { onRetry: () => retried503++ },
      );
    const sockets = await Promise.all(drivers.map((d) => t.connectSocket(d.accessToken)));
    sockets.forEach((socket, i) => {
      const driver: TestUser = drivers[i]!;
      socket.on('trip:offer', async (offer: { tripId: string }) => {
        // A human reaction time (0–300 ms) keeps 500 simultaneous accepts from queueing past the pool's connect timeout
        // on this small box.
        await sleep(((i * 7919) % 300) + 1);
        const res = await accept(driver, offer.tripId);
        outcomes[res.status] = (outcomes[res.status] ?? 0) + 1;
      });
    });

    // Rider apps too retry a 503 (a request that waited past the pool's connect timeout wrote nothing), under the
    // same Idempotency-Key, so a retry can never make a second trip.
    const created = await Promise.all(
      riders.map((r, i) => {
        const headers = { 'idempotency-key': randomUUID() };
        const body = { pickup: around(i, 2), dropoff: northOf(around(i, 2), 4_000), vehicleClass: 'economy' };
        const request = () =>
          t.api('POST', '/api/v1/trips', { token: r.accessToken, headers, body: { ...body, paymentMethod: 'cash' } });
        return retrying503(request, { onRetry: () => retried503++ });
      }),
    );
    assert.deepEqual(
      created.map((c) => c.status),
      Array(N).fill(201),
    );
    const tripIds = created.map((c) => c.body.data.id as string);

    const q = (text: string, params: unknown[] = []) =>
      t.platform.database.pool.query(text.replaceAll('$schema', `"${t.schema}"`), params);
    const accepted = async () =>
      (await q(`SELECT count(*)::int AS n FROM $schema.trips WHERE status = 'accepted'`)).rows[0].n as number;
    await eventually(
      () =>
        accepted().then(
          (n) => n === N,
          () => false,
        ),
      90_000,
      250,
    ).catch(async (err) => {
      const byStatus = (await q(`SELECT status, count(*)::int AS n FROM $schema.trips GROUP BY status`)).rows;
      const rounds = (
        await q(
          `SELECT d.round, d.phase, t.status, count(*)::int AS n FROM $schema.trip_dispatch d JOIN $schema.trips t ` +
            `ON t.id = d.trip_id GROUP BY 1, 2, 3`,
        )
      ).rows;
      const states = (await q(`SELECT state, count(*)::int AS n FROM $schema.driver_profiles GROUP BY state`)).rows;
      const stuck = (
        await q(
          `SELECT o.status, o.round, p.state, count(*)::int AS n FROM $schema.trip_offers o JOIN $schema.trips t ` +
            `ON t.id = o.trip_id JOIN $schema.driver_profiles p ON p.user_id = o.driver_id WHERE t.status = ` +
            `'no_drivers' GROUP BY 1, 2, 3 ORDER BY 2`,
        )
      ).rows;
      const idle = (
        await q(
          `SELECT p.user_id, (SELECT count(*)::int FROM $schema.trip_offers o JOIN $schema.trips t ON t.id = ` +
            `o.trip_id WHERE o.driver_id = p.user_id AND t.status = 'no_drivers') AS offered_stuck FROM ` +
            `$schema.driver_profiles p WHERE p.state = 'available'`,
        )
      ).rows;
      throw new Error(
        `${(err as Error).message}: stuck offers ${JSON.stringify(stuck)} idle ${JSON.stringify(idle)} trips ` +
          `${JSON.stringify(byStatus)} rounds ${JSON.stringify(rounds)} drivers ${JSON.stringify(states)} http ` +
          `${JSON.stringify(outcomes)} retried503 ${retried503}`,
      );
    });

    const trips = (await q(`SELECT id, rider_id, driver_id, status FROM $schema.trips WHERE id = ANY($1)`, [tripIds]))
      .rows;
    assert.equal(new Set(trips.map((r) => r.driver_id)).size, N, 'a different driver on every trip');
    assert.equal(new Set(trips.map((r) => r.rider_id)).size, N, 'one trip per rider');
    const accepts = (
      await q(`SELECT trip_id, count(*)::int AS n FROM $schema.trip_offers WHERE status = 'accepted' GROUP BY trip_id`)
    ).rows;
    assert.ok(accepts.every((r) => r.n === 1) && accepts.length === N, 'exactly one accepted offer per trip');
    assert.equal(outcomes[200], N, `HTTP outcomes ${JSON.stringify(outcomes)}, 503s retried ${retried503}`);
    const states = (await q(`SELECT state, count(*)::int AS n FROM $schema.driver_profiles GROUP BY state`)).rows;
    assert.deepEqual(states, [{ state: 'busy', n: N }]);
    const open = (await q(`SELECT count(*)::int AS n FROM $schema.trip_offers WHERE status = 'pending'`)).rows[0].n;
    assert.equal(open, 0, 'no offer left open');
  });
});
