/**
 * The callers and data a fuzz run or an authorization matrix needs: one
 * signed-in user per role, an integrator's API key, a forged token, and real
 * resources (an accepted trip with a message, an SOS alert, a booking) whose
 * ids the generators reuse so requests reach handlers and SQL, not just 404s.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/platform/http/route-config.js';
import { API_SCOPES } from '../../src/platform/http/route-config.js';
import { offerTrip } from '../../src/modules/trips/index.js';
import { randomPhone, type TestApp, type TestUser } from '../harness.js';

export const PRINCIPALS = ['none', 'rider', 'driver', 'admin', 'apiKey', 'forgedToken'] as const;
export type Principal = (typeof PRINCIPALS)[number];

export const CAIRO_TRIP = {
  pickup: { lat: 30.0444, lng: 31.2357 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
  vehicleClass: 'economy',
  paymentMethod: 'cash',
} as const;
const ADMIN_PASSWORD = 'fuzz-admin-password';
/** Signed with a key the server does not hold: must be 401 everywhere it matters. */
const FORGED_TOKEN =
  'eyJhbGciOiJIUzI1NiIsImtpZCI6ImZ1enoifQ.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJyb2xlIjoiYWRtaW4ifQ.c2lnbmF0dXJl';

export interface Resources {
  tripId: string;
  bookingId: string;
  sosId: string;
  messageId: string;
}

export interface FuzzWorld {
  users: Record<Role, TestUser>;
  resources: Resources;
  /** Real ids (users and resources) for uuid fields. */
  knownIds: string[];
  headersFor(principal: Principal): Record<string, string>;
  /** Replaces any user whose session a previous request ended (logout, erasure). */
  revive(): Promise<void>;
}

async function expectCreated(res: { status: number; body: any }, what: string): Promise<any> {
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`${what} failed ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** A fresh admin (the first one may have erased itself): ensureAdmin creates one per phone. */
async function newAdmin(t: TestApp): Promise<TestUser> {
  const phone = randomPhone();
  await t.app.auth.ensureAdmin(phone, ADMIN_PASSWORD);
  const res = await t.api('POST', '/api/v1/auth/login', { body: { phone, password: ADMIN_PASSWORD } });
  const data = await expectCreated(res, 'admin login');
  return { id: data.user.id, phone, role: 'admin', accessToken: data.accessToken, refreshToken: data.refreshToken };
}

/** An approved driver, approved by `admin` (t.driver() would use the first admin, who may be gone). */
async function newDriver(t: TestApp, admin: TestUser): Promise<TestUser> {
  const user = await t.signup('driver');
  const vehicle = { make: 'Toyota', model: 'Corolla', plate: 'FUZ 1', color: 'white' };
  await expectCreated(
    await t.api('POST', '/api/v1/drivers/me/profile', {
      token: user.accessToken,
      body: { vehicleClass: 'economy', vehicle },
    }),
    'driver profile',
  );
  await expectCreated(
    await t.api('POST', `/api/v1/admin/drivers/${user.id}/approve`, { token: admin.accessToken }),
    'approve',
  );
  return user;
}

/** An accepted trip between `rider` and `driver`, offered the way dispatch would. */
export async function acceptedTripBetween(t: TestApp, rider: TestUser, driver: TestUser): Promise<string> {
  const trip = await expectCreated(
    await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: CAIRO_TRIP }),
    'trip',
  );
  await offerTrip(t.platform.database.db, {
    tripId: trip.id,
    driverIds: [driver.id],
    round: 1,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  await expectCreated(
    await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
      token: driver.accessToken,
      body: { action: 'accept' },
    }),
    'accept',
  );
  return trip.id as string;
}

/** A booking of `rider` with `provider` (who gets a provider profile), two days ahead. */
export async function bookingBetween(t: TestApp, rider: TestUser, provider: TestUser): Promise<string> {
  await expectCreated(
    await t.api('POST', '/api/v1/providers/me/profile', {
      token: provider.accessToken,
      body: { serviceTypes: ['oil_change'] },
    }),
    'provider profile',
  );
  const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 48 * 3_600_000);
  const body = {
    providerId: provider.id,
    serviceType: 'oil_change',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    address: '12 Tahrir St',
  };
  return (await expectCreated(await t.api('POST', '/api/v1/bookings', { token: rider.accessToken, body }), 'booking'))
    .id;
}

async function seedResources(t: TestApp, users: Record<Role, TestUser>): Promise<Resources> {
  const tripId = await acceptedTripBetween(t, users.rider, users.driver);
  const message = await expectCreated(
    await t.api('POST', `/api/v1/trips/${tripId}/messages`, {
      token: users.rider.accessToken,
      body: { text: 'at the gate', clientMessageId: randomUUID() },
    }),
    'message',
  );
  const sos = await expectCreated(
    await t.api('POST', '/api/v1/sos', { token: users.rider.accessToken, body: { tripId, ...CAIRO_TRIP.pickup } }),
    'sos',
  );
  const bookingId = await bookingBetween(t, users.rider, users.driver);
  return { tripId, bookingId, sosId: sos.alertId, messageId: message.id };
}

async function isAlive(t: TestApp, user: TestUser): Promise<boolean> {
  return (await t.api('GET', '/api/v1/me', { token: user.accessToken })).status === 200;
}

/** Seeds callers and resources on `t` (an app from startTestApp with DISPATCH_INLINE_FIRST_ROUND=false). */
export async function seedWorld(t: TestApp): Promise<FuzzWorld> {
  const users: Record<Role, TestUser> = {
    admin: await t.admin(),
    rider: await t.signup('rider'),
    driver: await t.driver(),
  };
  const resources = await seedResources(t, users);
  const key = await expectCreated(
    await t.api('POST', '/api/v1/admin/api-keys', {
      token: users.admin.accessToken,
      body: { name: 'fuzz', scopes: [...API_SCOPES] },
    }),
    'api key',
  );
  const knownIds = [...Object.values(users).map((u) => u.id), ...Object.values(resources)];
  return {
    users,
    resources,
    knownIds,
    headersFor(principal): Record<string, string> {
      if (principal === 'none') return {};
      if (principal === 'apiKey') return { 'x-api-key': key.key };
      if (principal === 'forgedToken') return { authorization: `Bearer ${FORGED_TOKEN}` };
      return { authorization: `Bearer ${users[principal].accessToken}` };
    },
    async revive() {
      if (!(await isAlive(t, users.admin))) users.admin = await newAdmin(t);
      if (!(await isAlive(t, users.rider))) users.rider = await t.signup('rider');
      if (!(await isAlive(t, users.driver))) users.driver = await newDriver(t, users.admin);
    },
  };
}
