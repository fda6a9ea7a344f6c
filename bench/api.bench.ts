/**
 * `npm run bench:api`: HTTP throughput and latency of the full stack (auth,
 * validation, Postgres, envelope) for reading and creating a trip, against a
 * bare Fastify route in the same run. The app and the baseline run in this
 * process; autocannon runs in a child process (bench/support/load.ts) so the
 * load generator does not share their event loop.
 *
 * POST /trips: a rider may have one active trip, so every request uses a
 * fresh rider. Riders and sessions are bulk-inserted with SQL and their
 * access tokens signed with the app's key ring (real tokens, verified and
 * session-checked by the app as usual); no request cancels anything.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_DURATION_S (10), BENCH_CONNECTIONS (100), BENCH_RIDERS (40000).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { hash } from '@node-rs/argon2';
import { loadConfig } from '../src/config.js';
import { createPlatform, type Platform } from '../src/platform/runtime.js';
import { buildApp, type App } from '../src/app.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { KeyRing } from '../src/modules/auth/index.js';
import { offerTrip } from '../src/modules/trips/index.js';
import type { LoadResult, LoadSpec } from './support/load.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const RIDERS = Number(process.env.BENCH_RIDERS ?? 40_000);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RESULTS = resolve(import.meta.dirname, 'results/api.json');
const TRIP_BODY = JSON.stringify({ pickup: { lat: 30.0444, lng: 31.2357 }, dropoff: { lat: 30.0626, lng: 31.2497 }, vehicleClass: 'economy', paymentMethod: 'cash' });
const ADMIN = { phone: '+201009999999', password: 'bench-admin-password' };

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'support/load.ts'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load generator exited ${code}`))));
  });
}

/** A bare Fastify with the same shapes: the ceiling for this box and this load generator. */
async function startBaseline(sample: unknown) {
  const app = Fastify({ logger: false });
  app.get('/baseline/trip', async () => sample);
  app.post('/baseline/trips', async (request, reply) => reply.code(201).send({ success: true, data: request.body, meta: { requestId: request.id } }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

async function startSmartline(schema: string) {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL, DB_SCHEMA: schema, LOG_LEVEL: 'silent', RATE_LIMITS_DISABLED: 'true', ADMIN_PHONE: ADMIN.phone, ADMIN_PASSWORD: ADMIN.password, DB_POOL_MAX: '20' });
  const platform = await createPlatform(config, { log: createLogger('silent') });
  const app = await buildApp(platform);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  return { platform, app, config, url: `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}` };
}

async function call(app: App, method: 'GET' | 'POST', url: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await app.http.inject({ method, url, headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {}, payload: opts.body as object });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json().data;
}

/** A rider with an accepted trip (driver assigned): the screen a rider polls while waiting. */
async function seedTrip(platform: Platform, app: App) {
  const signup = (role: string, n: number) => call(app, 'POST', '/api/v1/auth/signup', { body: { phone: `+20111${String(n).padStart(7, '0')}`, password: 'bench-password', name: `Bench ${role}`, role } });
  const rider = await signup('rider', 1);
  const driver = await signup('driver', 2);
  const admin = await call(app, 'POST', '/api/v1/auth/login', { body: ADMIN });
  await call(app, 'POST', '/api/v1/drivers/me/profile', { token: driver.accessToken, body: { vehicleClass: 'economy', vehicle: { make: 'Toyota', model: 'Corolla', plate: 'BEN 1', color: 'white' } } });
  await call(app, 'POST', `/api/v1/admin/drivers/${driver.user.id}/approve`, { token: admin.accessToken });
  await call(app, 'POST', '/api/v1/drivers/me/availability', { token: driver.accessToken, body: { available: true } });
  const trip = await call(app, 'POST', '/api/v1/trips', { token: rider.accessToken, body: JSON.parse(TRIP_BODY) });
  // Let dispatch's inline first round (nobody nearby) finish, or it would expire the offer placed below.
  for (let i = 0; i < 40 && (await call(app, 'GET', `/api/v1/trips/${trip.id}/matching-status`, { token: rider.accessToken })).round < 1; i++) await sleep(50);
  await offerTrip(platform.database.db, { tripId: trip.id, driverIds: [driver.user.id], round: 1, expiresAt: new Date(Date.now() + 3_600_000) });
  await call(app, 'POST', `/api/v1/trips/${trip.id}/driver-response`, { token: driver.accessToken, body: { action: 'accept' } });
  const view = await call(app, 'GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken });
  return { tripId: trip.id as string, riderToken: rider.accessToken as string, view };
}

/** RIDERS riders with one session each, inserted in bulk; tokens signed like the app signs them. */
async function seedRiders(platform: Platform, keyRing: KeyRing, ttlS: number): Promise<string[]> {
  const pool = platform.database.pool;
  const passwordHash = await hash('bench-password');
  const users = await pool.query<{ id: string }>(
    `INSERT INTO users (phone, name, role, password_hash)
     SELECT '+2012' || lpad(g::text, 8, '0'), 'Bench rider', 'rider', $1 FROM generate_series(1, $2::int) g RETURNING id`,
    [passwordHash, RIDERS],
  );
  const sessions = await pool.query<{ id: string; user_id: string }>('INSERT INTO sessions (user_id) SELECT unnest($1::uuid[]) RETURNING id, user_id', [users.rows.map((r) => r.id)]);
  return Promise.all(sessions.rows.map(async (s) => (await keyRing.sign({ sub: s.user_id, role: 'rider', sid: s.id }, ttlS)).token));
}

const fmt = (r: LoadResult) => `${String(r.reqPerSec).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  codes ${JSON.stringify(r.statusCodes)}`;

async function main() {
  const schema = `bench_api_${randomBytes(3).toString('hex')}`;
  const loadAtStart = loadavg()[0] ?? 0;
  const { platform, app, config, url } = await startSmartline(schema);
  const tokensFile = join(tmpdir(), `smartline-bench-tokens-${schema}.json`);
  try {
    const seeded = await seedTrip(platform, app);
    const started = performance.now();
    const tokens = await seedRiders(platform, new KeyRing(config.jwtKeys, config.jwtActiveKid), config.ACCESS_TOKEN_TTL_S);
    writeFileSync(tokensFile, JSON.stringify(tokens));
    process.stdout.write(`# seeded ${RIDERS} riders in ${Math.round(performance.now() - started)} ms; ${CONNECTIONS} connections, ${DURATION_S} s per run, ${cpus().length} cores\n`);
    const baseline = await startBaseline({ success: true, data: seeded.view, meta: { requestId: 'x'.repeat(36), timestamp: new Date().toISOString() } });
    const load = (spec: Omit<LoadSpec, 'connections' | 'durationS'>) => runLoad({ connections: CONNECTIONS, durationS: DURATION_S, ...spec });
    const json = { 'content-type': 'application/json' };

    const baselineGet = await load({ url: baseline.url, method: 'GET', path: '/baseline/trip' });
    const appGet = await load({ url, method: 'GET', path: `/api/v1/trips/${seeded.tripId}`, headers: { authorization: `Bearer ${seeded.riderToken}` } });
    const baselinePost = await load({ url: baseline.url, method: 'POST', path: '/baseline/trips', headers: json, body: TRIP_BODY });
    const appPost = await load({ url, method: 'POST', path: '/api/v1/trips', headers: json, body: TRIP_BODY, tokensFile });
    await baseline.app.close();

    const ratio = (a: LoadResult, b: LoadResult) => Math.round((a.reqPerSec / b.reqPerSec) * 1000) / 1000;
    const tripsCreated = (await platform.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM trips')).rows[0]!.n - 1;
    const results = {
      ranAt: new Date().toISOString(),
      // The box is shared (Postgres too): a high load average means noisy figures.
      machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAvg1m: { start: loadAtStart, end: loadavg()[0] } },
      settings: { connections: CONNECTIONS, durationS: DURATION_S, riders: RIDERS, postgres: DATABASE_URL.replace(/:[^:@/]+@/, ':***@') },
      getTrip: { app: appGet, baseline: baselineGet, ratio: ratio(appGet, baselineGet) },
      createTrip: { app: appPost, baseline: baselinePost, ratio: ratio(appPost, baselinePost), tripsCreated, tokensExhausted: (appPost.tokensUsed ?? 0) > RIDERS },
    };
    mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

    process.stdout.write(`baseline GET  ${fmt(baselineGet)}\n`);
    process.stdout.write(`app GET trip  ${fmt(appGet)}\n`);
    process.stdout.write(`baseline POST ${fmt(baselinePost)}\n`);
    process.stdout.write(`app POST trip ${fmt(appPost)}  (${tripsCreated} trips created)\n`);
    process.stdout.write(`ratio app/baseline: GET ${results.getTrip.ratio}, POST ${results.createTrip.ratio}\n`);
    process.stdout.write(
      `SUMMARY api: GET /trips/:id ${appGet.reqPerSec} req/s p99 ${appGet.p99.toFixed(1)} ms (${results.getTrip.ratio}x bare fastify); ` +
        `POST /trips ${appPost.reqPerSec} req/s p99 ${appPost.p99.toFixed(1)} ms (${results.createTrip.ratio}x); ${CONNECTIONS} conns, ${cpus().length} cores, load ${loadAtStart.toFixed(1)} -> ${RESULTS}\n`,
    );
    if (results.createTrip.tokensExhausted) process.stdout.write(`WARNING: more POSTs than riders (${RIDERS}); raise BENCH_RIDERS, later requests were 409s\n`);
  } finally {
    rmSync(tokensFile, { force: true });
    await app.http.close();
    await platform.database.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await platform.database.pool.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`).catch(() => {});
    await platform.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
