/** Trip helpers of the safety and chat suites (not a test file itself). */
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { offerTrip } from '../../src/modules/trips/index.js';

/** These suites place offers themselves; the inline first dispatch round would race them. */
export const OWN_OFFERS = { DISPATCH_INLINE_FIRST_ROUND: 'false' } as const;

export const PICKUP = { lat: 30.0444, lng: 31.2357 };
export const DROPOFF = { lat: 30.0626, lng: 31.2497 };

/** A rider's trip accepted by `driver` through the API (the chat room is created by that accept). */
export async function acceptedTrip(t: TestApp, rider: TestUser, driver: TestUser): Promise<{ id: string }> {
  const created = await t.api('POST', '/api/v1/trips', {
    token: rider.accessToken,
    body: { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const tripId = created.body.data.id as string;
  await offerTrip(t.platform.database.db, {
    tripId,
    driverIds: [driver.id],
    round: 1,
    expiresAt: new Date(Date.now() + 120_000),
  });
  const res = await t.api('POST', `/api/v1/trips/${tripId}/driver-response`, {
    token: driver.accessToken,
    body: { action: 'accept' },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { id: tripId };
}

/** Accepted, arrived and started with the rider's OTP. */
export async function startedTrip(t: TestApp, rider: TestUser, driver: TestUser): Promise<{ id: string }> {
  const trip = await acceptedTrip(t, rider, driver);
  await advance(t, driver, trip.id, 'arrived');
  const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp as string;
  await advance(t, driver, trip.id, 'started', otp);
  return trip;
}

export async function advance(
  t: TestApp,
  driver: TestUser,
  tripId: string,
  status: 'arrived' | 'started' | 'completed',
  otp?: string,
) {
  const res = await t.api('POST', `/api/v1/trips/${tripId}/status`, {
    token: driver.accessToken,
    body: otp ? { status, otp } : { status },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

export async function rows<T = Record<string, any>>(t: TestApp, text: string, params: unknown[] = []): Promise<T[]> {
  return (await t.platform.database.pool.query(text.replaceAll('$schema', `"${t.schema}"`), params)).rows as T[];
}
