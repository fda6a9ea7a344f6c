/** Shared helpers of the trip, auth, http and fault suites (not a test file itself). */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestApp, TestUser } from '../../support/harness.js';
import { offerTrip } from '../../src/modules/trips/index.js';

/**
 * These suites place offers themselves (offerTrip, as dispatch would); the
 * inline first dispatch round would race them and expire those offers.
 * Dispatch itself is tested elsewhere.
 */
export const OWN_OFFERS = { DISPATCH_INLINE_FIRST_ROUND: 'false' } as const;

export const CAIRO_PICKUP = { lat: 30.0444, lng: 31.2357 };
export const CAIRO_DROPOFF = { lat: 30.0626, lng: 31.2497 };
export const TRIP_BODY = {
  pickup: CAIRO_PICKUP,
  dropoff: CAIRO_DROPOFF,
  vehicleClass: 'economy',
  paymentMethod: 'cash',
} as const;

/** Creates a searching trip through the API and returns its wire view. */
export async function requestTrip(t: TestApp, rider: TestUser, body: Record<string, unknown> = TRIP_BODY) {
  const res = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data as { id: string; status: string; version: number; riderId: string };
}

/** Offers a trip to drivers the way dispatch would (round 1, one minute to answer). */
export async function offer(t: TestApp, tripId: string, driverIds: string[], expiresInMs = 60_000) {
  await offerTrip(t.platform.database.db, {
    tripId,
    driverIds,
    round: 1,
    expiresAt: new Date(Date.now() + expiresInMs),
  });
}

/** Requests a trip, offers it to `driver` and has the driver accept it. */
export async function acceptedTrip(t: TestApp, rider: TestUser, driver: TestUser) {
  const trip = await requestTrip(t, rider);
  await offer(t, trip.id, [driver.id]);
  const res = await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
    token: driver.accessToken,
    body: { action: 'accept' },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data as { id: string; status: string; driverId: string };
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

/** Counts statuses of a batch of responses: `{200: 1, 409: 49}`. */
export function tally(responses: Array<{ status: number }>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

export async function query<T = Record<string, unknown>>(
  t: TestApp,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const res = await t.platform.database.pool.query(text.replaceAll('$schema', `"${t.schema}"`), params);
  return res.rows as T[];
}
