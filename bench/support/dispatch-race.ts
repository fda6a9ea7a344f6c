/**
 * The dispatch bench's race (issue 5): RACE_N riders request at once and as
 * many drivers accept every offer the moment it arrives; the counts show that
 * no driver ends on two trips and no rider is matched twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom as seeded } from '../../support/seeded-random.js';
import { distribution } from './stats.js';
import { inject, scatter, seedDrivers, seedUsers, startStack } from './dispatch-stack.js';

/** 100 riders request at once; 100 drivers accept every offer as soon as it arrives. */
export async function raceScenario(RACE_N: number) {
  const stack = await startStack('race', { DISPATCH_TIME_SCALE: '0.2' });
  try {
    const rand = seeded(7);
    const { drivers } = await seedDrivers(stack, RACE_N, () => scatter(rand, 0.015));
    const tokenOf = new Map(drivers.map((d) => [d.id, d.token]));
    const riders = await seedUsers(stack, 'rider', RACE_N, '+2012');
    const codes: Record<number, number> = {};
    stack.recorder.onOffer = (driverId, tripId) => {
      Promise.resolve()
        .then(() =>
          inject(stack.app, 'POST', `/api/v1/trips/${tripId}/driver-response`, tokenOf.get(driverId)!, {
            action: 'accept',
          }),
        )
        .then(
          (r) => {
            codes[r.statusCode] = (codes[r.statusCode] ?? 0) + 1;
          },
          () => {},
        );
    };
    const started = performance.now();
    const created = await Promise.all(
      riders.map((r) => {
        const pickup = scatter(rand, 0.015);
        return inject(stack.app, 'POST', '/api/v1/trips', r.token, {
          pickup,
          dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng },
          vehicleClass: 'economy',
          paymentMethod: 'cash',
        });
      }),
    );
    const requestCodes = created.map((c) => c.statusCode);
    const pool = stack.platform.database.pool;
    const deadline = Date.now() + 60_000;
    let accepted = 0;
    while (Date.now() < deadline) {
      await sleep(50);
      const counts = await pool
        .query<{ accepted: number; searching: number }>(
          `SELECT count(*) FILTER (WHERE status = 'accepted')::int AS accepted, count(*) FILTER (WHERE status = ` +
            `'searching')::int AS searching FROM trips`,
        )
        .catch(() => null); // the pool may be saturated by the burst itself: poll again
      if (!counts) continue;
      accepted = counts.rows[0]!.accepted;
      if (counts.rows[0]!.searching === 0) break;
    }
    const allMatchedMs = performance.now() - started;
    const q = async (text: string) => (await pool.query<{ n: number }>(text)).rows[0]!.n;
    const matchMs = (
      await pool.query<{ ms: number }>(
        `SELECT extract(epoch FROM accepted_at - created_at) * 1000 AS ms FROM trips WHERE status = 'accepted'`,
      )
    ).rows.map((r) => Number(r.ms));
    return {
      trips: RACE_N,
      requestCodes: requestCodes.reduce<Record<number, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {}),
      matched: accepted,
      driversOnTwoTrips: await q(
        `SELECT count(*)::int AS n FROM (SELECT driver_id FROM trips WHERE status = 'accepted' GROUP BY driver_id ` +
          `HAVING count(*) > 1) x`,
      ),
      ridersMatchedTwice: await q(
        `SELECT count(*)::int AS n FROM (SELECT rider_id FROM trips WHERE status = 'accepted' GROUP BY rider_id ` +
          `HAVING count(*) > 1) x`,
      ),
      tripsWithTwoAcceptedOffers: await q(
        `SELECT count(*)::int AS n FROM (SELECT trip_id FROM trip_offers WHERE status = 'accepted' GROUP BY ` +
          `trip_id HAVING count(*) > 1) x`,
      ),
      busyDriversWithoutTrip: await q(
        `SELECT count(*)::int AS n FROM driver_profiles p WHERE state = 'busy' AND NOT EXISTS (SELECT 1 FROM trips ` +
          `t WHERE t.driver_id = p.user_id AND t.status = 'accepted')`,
      ),
      acceptResponses: codes,
      requestToAcceptMs: distribution(matchMs),
      allSettledMs: Math.round(allMatchedMs),
    };
  } finally {
    stack.recorder.onOffer = undefined;
    await stack.close();
  }
}
