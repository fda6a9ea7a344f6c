/**
 * Bad input, route by route: wrong types, missing fields, huge strings, bad
 * ids, out-of-range numbers, unknown enum values, bad pagination. Each gets
 * its 4xx and nothing is written anywhere.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { OWN_OFFERS, TRIP_BODY, acceptedTrip } from '../support/fixtures.js';

type Who = 'none' | 'rider' | 'driver' | 'admin';
interface Case {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  who: Who;
  body?: unknown;
  /** Sent as is, for JSON that JSON.stringify cannot produce. */
  rawBody?: string;
  status: number;
  /** Expected error code when not the default for the status. */
  code?: string;
}

const TABLES = [
  'users',
  'sessions',
  'refresh_tokens',
  'driver_profiles',
  'trips',
  'trip_offers',
  'events',
  'idempotency_keys',
  'dead_letters',
  'audit_log',
];
const HUGE = 'x'.repeat(10_000);
const PHONE = '+201001234567';
const vehicle = { make: 'Toyota', model: 'Corolla', plate: 'ABC 123', color: 'white' };
const at = (lat: unknown, lng: unknown) => ({ ...TRIP_BODY, pickup: { lat, lng } });

function authCases(): Case[] {
  const signup = (body: unknown, name: string): Case => ({
    name: `signup ${name}`,
    method: 'POST',
    path: '/api/v1/auth/signup',
    who: 'none',
    body,
    status: 400,
  });
  const ok = { phone: PHONE, password: 'password-123', name: 'Rana', role: 'rider' };
  const login = (body: unknown, name: string): Case => ({
    name: `login ${name}`,
    method: 'POST',
    path: '/api/v1/auth/login',
    who: 'none',
    body,
    status: 400,
  });
  const refresh = (body: unknown, name: string, status = 400): Case => ({
    name: `refresh ${name}`,
    method: 'POST',
    path: '/api/v1/auth/refresh',
    who: 'none',
    body,
    status,
  });
  return [
    signup({ ...ok, phone: undefined }, 'missing phone'),
    signup({ ...ok, phone: 201001234567 }, 'phone as number'),
    signup({ ...ok, phone: HUGE }, 'huge phone'),
    signup({ ...ok, phone: '+2010012345678901' }, 'too many digits'),
    signup({ ...ok, password: '1234567' }, 'password under 8'),
    signup({ ...ok, password: 'p'.repeat(129) }, 'password over 128'),
    signup({ ...ok, password: 12345678 }, 'password as number'),
    signup({ ...ok, name: HUGE }, '10,000-char name'),
    signup({ ...ok, name: '' }, 'empty name'),
    signup({ ...ok, name: '    ' }, 'blank name'),
    signup({ ...ok, name: ['a'] }, 'name as array'),
    signup({ ...ok, role: 'admin' }, 'role admin (no self-promotion)'),
    signup({ ...ok, role: 'superuser' }, 'unknown role'),
    signup({ ...ok, role: undefined }, 'missing role'),
    signup([], 'array body'),
    signup('phone=+201001234567', 'string body'),
    signup(null, 'null body'),
    login({ phone: PHONE }, 'missing password'),
    login({ phone: { $ne: null }, password: 'x' }, 'phone as object'),
    login({ phone: PHONE, password: HUGE }, 'huge password'),
    login({ phone: PHONE, password: '' }, 'empty password'),
    refresh({}, 'missing token'),
    refresh({ refreshToken: 'short' }, 'short token'),
    refresh({ refreshToken: 12345678901234 }, 'token as number'),
    refresh({ refreshToken: HUGE }, 'huge token'),
    { ...refresh({ refreshToken: 'a'.repeat(43) }, 'unknown token', 401), code: 'UNAUTHENTICATED' },
  ];
}

function driverCases(): Case[] {
  const profile = (body: unknown, name: string): Case => ({
    name: `profile ${name}`,
    method: 'POST',
    path: '/api/v1/drivers/me/profile',
    who: 'driver',
    body,
    status: 400,
  });
  const availability = (body: unknown, name: string): Case => ({
    name: `availability ${name}`,
    method: 'POST',
    path: '/api/v1/drivers/me/availability',
    who: 'driver',
    body,
    status: 400,
  });
  return [
    profile({ vehicleClass: 'bus', vehicle }, 'unknown vehicle class'),
    profile({ vehicleClass: 'economy' }, 'missing vehicle'),
    profile({ vehicleClass: 'economy', vehicle: 'Toyota' }, 'vehicle as string'),
    profile({ vehicleClass: 'economy', vehicle: { ...vehicle, plate: HUGE } }, 'huge plate'),
    profile({ vehicleClass: 'economy', vehicle: { ...vehicle, make: '' } }, 'empty make'),
    profile({ vehicleClass: 'economy', vehicle: { ...vehicle, color: 7 } }, 'color as number'),
    availability({ available: 'yes' }, 'available as string'),
    availability({ available: 1 }, 'available as number'),
    availability({}, 'missing available'),
    {
      name: 'approve bad uuid',
      method: 'POST',
      path: '/api/v1/admin/drivers/not-a-uuid/approve',
      who: 'admin',
      status: 400,
    },
    {
      name: 'approve uuid-ish sql',
      method: 'POST',
      path: `/api/v1/admin/drivers/${encodeURIComponent("1' OR '1'='1")}/approve`,
      who: 'admin',
      status: 400,
    },
    {
      name: 'approve unknown driver',
      method: 'POST',
      path: `/api/v1/admin/drivers/${randomUUID()}/approve`,
      who: 'admin',
      status: 404,
    },
  ];
}

function tripCases(tripId: string): Case[] {
  const create = (body: unknown, name: string): Case => ({
    name: `create ${name}`,
    method: 'POST',
    path: '/api/v1/trips',
    who: 'rider',
    body,
    status: 400,
  });
  const list = (qs: string): Case => ({
    name: `list ?${qs}`,
    method: 'GET',
    path: `/api/v1/trips?${qs}`,
    who: 'rider',
    status: 400,
  });
  const onTrip = (suffix: string, who: Who, body: unknown, name: string, id = tripId): Case => ({
    name,
    method: 'POST',
    path: `/api/v1/trips/${id}/${suffix}`,
    who,
    body,
    status: 400,
  });
  return [
    create(at(91, 31.2), 'lat 91'),
    create(at(-90.0001, 31.2), 'lat -90.0001'),
    create(at(30, -181), 'lng -181'),
    create(at(30, 180.5), 'lng 180.5'),
    create(at(0, 0), '(0,0)'),
    create(at('30.04', 31.2), 'lat as string'),
    create(at(null, 31.2), 'lat null'),
    create({ ...TRIP_BODY, dropoff: undefined }, 'missing dropoff'),
    create({ ...TRIP_BODY, pickup: [30, 31] }, 'pickup as array'),
    create({ ...TRIP_BODY, vehicleClass: 'spaceship' }, 'unknown vehicle class'),
    create({ ...TRIP_BODY, paymentMethod: 'bitcoin' }, 'unknown payment method'),
    create({ ...TRIP_BODY, strategy: 'auction' }, 'unknown strategy'),
    create({ ...TRIP_BODY, scheduledAt: 'tomorrow' }, 'scheduledAt not ISO'),
    create({ ...TRIP_BODY, scheduledAt: '2020-01-01T00:00:00Z' }, 'scheduledAt in the past'),
    create(
      { ...TRIP_BODY, scheduledAt: new Date(Date.now() + 365 * 86_400_000).toISOString() },
      'scheduledAt a year ahead',
    ),
    create({ ...TRIP_BODY, pickup: { ...TRIP_BODY.pickup, address: HUGE } }, '10,000-char address'),
    create({ ...TRIP_BODY, quoteId: HUGE }, 'huge quoteId'),
    {
      ...create(undefined, 'lat 1e400 (Infinity once parsed)'),
      rawBody: JSON.stringify(TRIP_BODY).replace('"lat":30.0444', '"lat":1e400'),
    },
    list('limit=0'),
    list('limit=101'),
    list('limit=-1'),
    list('limit=1.5'),
    list('limit=abc'),
    list('status=flying'),
    list('cursor=garbage'),
    { name: 'get bad uuid', method: 'GET', path: '/api/v1/trips/123', who: 'rider', status: 400 },
    { name: 'get unknown trip', method: 'GET', path: `/api/v1/trips/${randomUUID()}`, who: 'rider', status: 404 },
    onTrip('driver-response', 'driver', { action: 'maybe' }, 'driver-response unknown action'),
    onTrip('driver-response', 'driver', { action: 'accept', bidAmount: -5 }, 'driver-response negative bid'),
    onTrip('driver-response', 'driver', { action: 'accept', bidAmount: 'ten' }, 'driver-response bid as string'),
    onTrip('driver-response', 'driver', { action: 'accept' }, 'driver-response bad uuid', 'nope'),
    {
      ...onTrip('driver-response', 'driver', { action: 'accept' }, 'driver-response never offered', randomUUID()),
      status: 403,
      code: 'FORBIDDEN',
    },
    onTrip('status', 'driver', { status: 'flying' }, 'status unknown value'),
    onTrip('status', 'driver', { status: 'started', otp: '12345' }, 'status 5-digit otp'),
    onTrip('status', 'driver', { status: 'started', otp: 1234 }, 'status otp as number'),
    onTrip('status', 'driver', {}, 'status missing'),
    onTrip('cancel', 'rider', { reason: '' }, 'cancel empty reason'),
    onTrip('cancel', 'rider', { reason: HUGE }, 'cancel 10,000-char reason'),
    onTrip('cancel', 'rider', {}, 'cancel missing reason'),
    onTrip('cancel', 'rider', { reason: 42 }, 'cancel reason as number'),
    onTrip('cancel-search', 'rider', undefined, 'cancel-search bad uuid', 'not-a-trip'),
  ];
}

function adminCases(): Case[] {
  const list = (qs: string): Case => ({
    name: `dead letters ?${qs}`,
    method: 'GET',
    path: `/api/v1/admin/dead-letters?${qs}`,
    who: 'admin',
    status: 400,
  });
  const retry = (id: string, status = 400): Case => ({
    name: `retry dead letter ${id}`,
    method: 'POST',
    path: `/api/v1/admin/dead-letters/${id}/retry`,
    who: 'admin',
    status,
  });
  return [
    list('limit=0'),
    list('limit=101'),
    list('limit=ten'),
    list('cursor=abc'),
    list('cursor=-1'),
    list(`cursor=${'9'.repeat(30)}`),
    retry('abc'),
    retry('0'),
    retry('-1'),
    retry('1.5'),
    retry('1e30'),
    { ...retry('987654321', 404), code: 'NOT_FOUND' },
  ];
}

describe('bad input is refused and writes nothing', () => {
  let t: TestApp;
  const tokens = {} as Record<Exclude<Who, 'none'>, TestUser>;
  let tripId: string;
  before(async () => {
    t = await startTestApp('bad_input', { ...OWN_OFFERS, DB_POOL_MAX: '5' });
    tokens.rider = await t.signup('rider');
    tokens.driver = await t.driver();
    tokens.admin = await t.admin();
    tripId = (await acceptedTrip(t, tokens.rider, tokens.driver)).id;
  });
  after(async () => t.close());

  const snapshot = async () =>
    Object.fromEntries(await Promise.all(TABLES.map(async (name) => [name, await t.count(name)] as const)));

  const run = async (cases: Case[]) => {
    const before = await snapshot();
    for (const c of cases) {
      const token = c.who === 'none' ? undefined : tokens[c.who].accessToken;
      const res = await t.api(
        c.method,
        c.path,
        c.rawBody !== undefined ? { token, rawBody: c.rawBody } : { token, body: c.body },
      );
      assert.equal(res.status, c.status, `${c.name}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.success, false, c.name);
      const code = c.code ?? (c.status === 400 ? 'VALIDATION_ERROR' : c.status === 404 ? 'NOT_FOUND' : undefined);
      if (code) assert.equal(res.body.error.code, code, c.name);
      if (c.status === 400) {
        assert.ok(
          Array.isArray(res.body.error.details) && res.body.error.details.length > 0,
          `${c.name}: details list the fields: ${JSON.stringify(res.body.error)}`,
        );
        for (const d of res.body.error.details) assert.equal(typeof d.field, 'string', c.name);
      }
      assert.doesNotMatch(JSON.stringify(res.body), /stack|SELECT|INSERT/i, c.name);
    }
    assert.deepEqual(await snapshot(), before, 'no table changed');
  };

  test('auth routes', async () => run(authCases()));
  test('driver and approval routes', async () => run(driverCases()));
  test('trip routes', async () => run(tripCases(tripId)));
  test('admin dead-letter routes', async () => run(adminCases()));

  test('a validation error names the offending fields', async () => {
    const res = await t.api('POST', '/api/v1/trips', {
      token: tokens.rider.accessToken,
      body: { ...TRIP_BODY, pickup: { lat: 91, lng: -181 }, vehicleClass: 'bus' },
    });
    assert.equal(res.status, 400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    for (const f of ['body.pickup.lat', 'body.pickup.lng', 'body.vehicleClass'])
      assert.ok(fields.includes(f), `${f} in ${fields}`);
  });
});
