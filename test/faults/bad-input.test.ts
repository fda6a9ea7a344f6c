/**
 * Bad input, route by route: wrong types, missing fields, huge strings, bad
 * ids, out-of-range numbers, unknown enum values, bad pagination. Each gets
 * its 4xx and nothing is written anywhere. The trip routes: bad-input-trips.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import { randomUUID } from 'node:crypto';
import { HUGE, runCases, startBadInputApp, type BadInputApp, type Case } from './bad-input-support.js';

const PHONE = '+201001234567';
const vehicle = { make: 'Toyota', model: 'Corolla', plate: 'ABC 123', color: 'white' };

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
  let app: BadInputApp;
  before(async () => {
    app = await startBadInputApp('bad_input');
  });
  after(async () => app.t.close());

  const run = (cases: Case[]) => runCases(app, cases);

  test('auth routes', async () => run(authCases()));
  test('driver and approval routes', async () => run(driverCases()));
  test('admin dead-letter routes', async () => run(adminCases()));
});
