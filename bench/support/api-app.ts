/**
 * The full SmartLine app for HTTP benches, with the data they load: one
 * accepted trip a rider polls, and many riders with real sessions for
 * POST /trips (a rider may have one active trip, so one rider per request).
 * Shared by bench/api.bench.ts and bench/support/api-server.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { hash } from '@node-rs/argon2';
import type { Platform } from '../../src/platform/runtime.js';
import type { App } from '../../src/app.js';
import { KeyRing } from '../../src/modules/auth/index.js';
import { offerTrip } from '../../src/modules/trips/index.js';
import { TRIP_BODY } from './trip-body.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';
import { BENCH_ADMIN, startBenchApp } from './bench-app.js';

export { TRIP_BODY };

export async function startSmartline(
  schema: string,
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
) {
  const { config, platform, app } = await startBenchApp({ databaseUrl: databaseUrl, schema, env });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const close = async () => {
    await app.http.close();
    await dropScratchSchema(platform.database.pool, schema);
    await platform.close();
  };
  return {
    platform,
    app,
    config,
    close,
    url: `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`,
  };
}

async function call(app: App, method: 'GET' | 'POST', url: string, opts: { token?: string; body?: unknown } = {}) {
  const send = () =>
    app.http.inject({
      method,
      url,
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      payload: opts.body as object,
    });
  let res = await send();
  // A node with tight overload thresholds (bench:overload) may refuse set-up calls: honour Retry-After, as clients do.
  for (let i = 0; i < 5 && res.statusCode === 503; i++) {
    await sleep(Number(res.headers['retry-after'] ?? 1) * 1000);
    res = await send();
  }
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json().data;
}

/** A rider with an accepted trip (driver assigned): the screen a rider polls while waiting. */
export async function seedTrip(platform: Platform, app: App) {
  const signup = (role: string, n: number) =>
    call(app, 'POST', '/api/v1/auth/signup', {
      body: { phone: `+20111${String(n).padStart(7, '0')}`, password: 'bench-password', name: `Bench ${role}`, role },
    });
  const rider = await signup('rider', 1);
  const driver = await signup('driver', 2);
  const admin = await call(app, 'POST', '/api/v1/auth/login', { body: BENCH_ADMIN });
  await call(app, 'POST', '/api/v1/drivers/me/profile', {
    token: driver.accessToken,
    body: { vehicleClass: 'economy', vehicle: { make: 'Toyota', model: 'Corolla', plate: 'BEN 1', color: 'white' } },
  });
  await call(app, 'POST', `/api/v1/admin/drivers/${driver.user.id}/approve`, { token: admin.accessToken });
  await call(app, 'POST', '/api/v1/drivers/me/availability', { token: driver.accessToken, body: { available: true } });
  const trip = await call(app, 'POST', '/api/v1/trips', { token: rider.accessToken, body: JSON.parse(TRIP_BODY) });
  // Let dispatch's inline first round (nobody nearby) finish, or it would expire the offer placed below.
  for (
    let i = 0;
    i < 40 &&
    (await call(app, 'GET', `/api/v1/trips/${trip.id}/matching-status`, { token: rider.accessToken })).round < 1;
    i++
  )
    await sleep(50);
  await offerTrip(platform.database.db, {
    tripId: trip.id,
    driverIds: [driver.user.id],
    round: 1,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  await call(app, 'POST', `/api/v1/trips/${trip.id}/driver-response`, {
    token: driver.accessToken,
    body: { action: 'accept' },
  });
  const view = await call(app, 'GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken });
  return { tripId: trip.id as string, riderToken: rider.accessToken as string, view };
}

/** `count` riders with one session each, inserted in bulk; tokens signed like the app signs them. */
export async function seedRiders(platform: Platform, count: number): Promise<string[]> {
  const { config } = platform;
  const keyRing = new KeyRing(config.jwtKeys, config.jwtActiveKid);
  const pool = platform.database.pool;
  const passwordHash = await hash('bench-password');
  const users = await pool.query<{ id: string }>(
    `INSERT INTO users (phone, name, role, password_hash)
     SELECT '+2012' || lpad(g::text, 8, '0'), 'Bench rider', 'rider', $1 FROM generate_series(1, $2::int) g RETURNING id`,
    [passwordHash, count],
  );
  const sessions = await pool.query<{ id: string; user_id: string }>(
    'INSERT INTO sessions (user_id) SELECT unnest($1::uuid[]) RETURNING id, user_id',
    [users.rows.map((r) => r.id)],
  );
  return Promise.all(
    sessions.rows.map(
      async (s) => (await keyRing.sign({ sub: s.user_id, role: 'rider', sid: s.id }, config.ACCESS_TOKEN_TTL_S)).token,
    ),
  );
}
