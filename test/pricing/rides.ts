/** Shared helpers of the tariff-version and receipt suites (not a test file itself). */
import assert from 'node:assert/strict';
import { offerTrip } from '../../src/modules/trips/index.js';
import type { TestApp, TestUser } from '../../support/harness.js';

export type Point = { lat: number; lng: number };

// Each ride starts in its own surge cell (~0.02° apart) so one ride's demand never raises another's price.
export const spot = (i: number): Point => ({ lat: 30.0 + i * 0.02, lng: 31.3 });
export const awayFrom = (p: Point): Point => ({ lat: p.lat + 0.05, lng: p.lng + 0.05 });

export async function economyQuote(t: TestApp, rider: TestUser, pickup: Point, headers: Record<string, string> = {}) {
  const res = await t.api('POST', '/api/v1/pricing/estimate', {
    token: rider.accessToken,
    body: { pickup, dropoff: awayFrom(pickup), vehicleClass: 'economy' },
    headers,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data.quotes[0] as {
    amount: number;
    quoteId: string;
    tariffVersion: number;
    items: Array<{ code: string; label: string; amount: number }>;
  };
}

/** Requests an economy trip (with the quote when given) and drives it to `started`; returns the trip id. */
export async function startedRide(
  t: TestApp,
  who: { rider: TestUser; driver: TestUser },
  ride: { pickup: Point; paymentMethod: 'cash' | 'wallet'; quoteId?: string },
): Promise<string> {
  const { rider, driver } = who;
  const body = { dropoff: awayFrom(ride.pickup), vehicleClass: 'economy', ...ride };
  const created = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const tripId = created.body.data.id as string;
  const expiresAt = new Date(Date.now() + 60_000);
  await offerTrip(t.platform.database.db, { tripId, driverIds: [driver.id], round: 1, expiresAt });
  await step(t, driver, tripId, 'driver-response', { action: 'accept' });
  await step(t, driver, tripId, 'status', { status: 'arrived' });
  const otp = (await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken })).body.data.otp;
  await step(t, driver, tripId, 'status', { status: 'started', otp });
  return tripId;
}

export async function step(t: TestApp, user: TestUser, tripId: string, path: string, body: unknown) {
  const res = await t.api('POST', `/api/v1/trips/${tripId}/${path}`, { token: user.accessToken, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

export async function complete(t: TestApp, driver: TestUser, tripId: string) {
  return step(t, driver, tripId, 'status', { status: 'completed' });
}

export async function setEconomy(t: TestApp, admin: TestUser, figures: Partial<Record<string, number>>) {
  const current = (await t.api('GET', '/api/v1/admin/pricing', { token: admin.accessToken })).body.data.tariffs.find(
    (x: { vehicleClass: string }) => x.vehicleClass === 'economy',
  );
  const { baseFare, perKm, perMin, minFare, commissionBps } = { ...current, ...figures };
  const res = await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', {
    token: admin.accessToken,
    body: { baseFare, perKm, perMin, minFare, commissionBps },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data as { version: number; commissionBps: number };
}

/** Clears the time-of-day multipliers so a price does not depend on the hour the suite runs at. */
export async function noTimeWindows(t: TestApp, admin: TestUser) {
  const res = await t.api('PUT', '/api/v1/admin/pricing/time-windows', {
    token: admin.accessToken,
    body: { windows: [] },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}
