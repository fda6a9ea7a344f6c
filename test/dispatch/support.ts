/** Shared helpers of the dispatch suites (not a test file itself). */
import type { Socket as ClientSocket } from 'socket.io-client';
import type { TestApp, TestUser } from '../../support/harness.js';

export const PICKUP = { lat: 30.0444, lng: 31.2357 }; // Tahrir Square
export const DROPOFF = { lat: 30.0626, lng: 31.2497 };
const ONE_DEGREE_LAT_M = 111_195;

/** A point `metres` north of `from` (good enough for test geometry). */
export const northOf = (from: { lat: number; lng: number }, metres: number) => ({
  lat: from.lat + metres / ONE_DEGREE_LAT_M,
  lng: from.lng,
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function eventually<T>(check: () => Promise<T> | T, ms = 10_000, stepMs = 25): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await sleep(stepMs);
  }
}

/** Reports a position the way the driver app does (HTTP; the location module indexes it in hot state). */
export async function reportPosition(t: TestApp, driver: TestUser, where: { lat: number; lng: number }) {
  const res = await t.api('POST', '/api/v1/location/update', {
    token: driver.accessToken,
    body: { ...where, timestamp: Date.now() },
  });
  if (res.status !== 200) throw new Error(`location update failed: ${JSON.stringify(res.body)}`);
}

/** An approved, available driver with a fresh position at `where`. */
export async function driverAt(t: TestApp, where: { lat: number; lng: number }, opts: { vehicleClass?: string } = {}) {
  const driver = await t.driver({ vehicleClass: opts.vehicleClass ?? 'economy' });
  await reportPosition(t, driver, where);
  return driver;
}

export interface OfferSeen {
  driverId: string;
  payload: {
    tripId: string;
    pickup: unknown;
    dropoff: unknown;
    fareEstimate: { amount: number; currency: string };
    expiresAt: string;
    strategy: string;
  };
  at: number;
}

/** Connects each driver's socket and records every `trip:offer` it receives. */
export async function watchOffers(
  t: TestApp,
  drivers: TestUser[],
): Promise<{ offers: OfferSeen[]; sockets: ClientSocket[] }> {
  const offers: OfferSeen[] = [];
  const sockets = await Promise.all(drivers.map((d) => t.connectSocket(d.accessToken)));
  sockets.forEach((socket, i) =>
    socket.on('trip:offer', (payload: OfferSeen['payload']) =>
      offers.push({ driverId: drivers[i]!.id, payload, at: Date.now() }),
    ),
  );
  return { offers, sockets };
}

export async function driverState(
  t: TestApp,
  driverId: string,
): Promise<{ state: string; offers_received: number; offers_accepted: number; cooldown_until: Date | null }> {
  const res = await t.platform.database.pool.query(
    `SELECT state, offers_received, offers_accepted, cooldown_until FROM "${t.schema}".driver_profiles WHERE ` +
      `user_id = $1`,
    [driverId],
  );
  return res.rows[0];
}

export async function requestTrip(t: TestApp, rider: TestUser, body: Record<string, unknown> = {}) {
  const res = await t.api('POST', '/api/v1/trips', {
    token: rider.accessToken,
    body: { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash', ...body },
  });
  if (res.status !== 201) throw new Error(`trip request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as { id: string; status: string; fare: { amount: number }; strategy: string };
}

export const respond = (t: TestApp, driver: TestUser, tripId: string, body: Record<string, unknown>) =>
  t.api('POST', `/api/v1/trips/${tripId}/driver-response`, { token: driver.accessToken, body });

export const matchingStatus = async (t: TestApp, user: TestUser, tripId: string) => {
  const res = await t.api('GET', `/api/v1/trips/${tripId}/matching-status`, { token: user.accessToken });
  if (res.status !== 200) throw new Error(`matching-status failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as {
    status: string;
    round: number;
    offeredDrivers: number;
    expiresAt: string | null;
    bids?: Array<{ bidId: string; amount: number }>;
  };
};
