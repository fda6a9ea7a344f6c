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
 * BENCH_DURATION_S (10), BENCH_CONNECTIONS (100), BENCH_RIDERS (40000),
 * BENCH_ONLY (`get`: only the two GET runs, no riders seeded; `post`: only the
 * one-INSERT baseline and POST /trips, with Postgres round trips per request;
 * neither writes results, for quick A/B of one path; default everything),
 * BENCH_PROFILE_DIR (with BENCH_ONLY=get or post: a V8 CPU profile of the
 * app's run alone, `get-trip.cpuprofile` / `post-trip.cpuprofile`, for
 * bench/support/profile.ts).
 */
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../src/platform/db/database.js';
import { writeFigures } from './support/figures.js';
import { TRIP_BODY, seedRiders, seedTrip, startSmartline } from './support/api-app.js';
import { fmtLoad as fmt, runLoad, type LoadResult, type LoadSpec } from './support/run-load.js';
import { countRoundTrips } from './support/round-trips.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const RIDERS = Number(process.env.BENCH_RIDERS ?? 40_000);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RESULTS = resolve(import.meta.dirname, 'results/api.json');
const ONLY_GET = process.env.BENCH_ONLY === 'get';
const ONLY_POST = process.env.BENCH_ONLY === 'post';
const roundTrips = countRoundTrips();
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

/**
 * A bare Fastify with the same shapes: the ceiling for this box and this load generator. POST /baseline/insert
 * is issue 22's baseline for POST /trips: the minimum durable work of a request on the app's own pool and
 * driver (Kysely over pg): one transaction with one INSERT … RETURNING of the request's body.
 */
/** POST /trips as the bench sends it: one rider's token per request (a rider may have one active trip). */
const postTrips = (url: string, tokensFile: string) => ({
  url,
  method: 'POST' as const,
  path: '/api/v1/trips',
  headers: { 'content-type': 'application/json' },
  body: TRIP_BODY,
  tokensFile,
});
/** The same body to one of the baseline's POST routes. */
const postBaseline = (url: string, path: string) => ({
  url,
  method: 'POST' as const,
  path,
  headers: { 'content-type': 'application/json' },
  body: TRIP_BODY,
});

async function startBaseline(sample: unknown, db: Db) {
  await sql`CREATE TABLE bench_min_requests (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  const app = Fastify({ logger: false });
  app.post('/baseline/insert', async (request, reply) => {
    const row = await db.transaction().execute(
      async (tx) =>
        (
          await sql<{ id: string }>`INSERT INTO bench_min_requests (body) VALUES (${JSON.stringify(request.body)})
            RETURNING id, created_at`.execute(tx)
        ).rows[0],
    );
    return reply.code(201).send({ success: true, data: row, meta: { requestId: request.id } });
  });
  app.get('/baseline/trip', async () => sample);
  app.post('/baseline/trips', async (request, reply) =>
    reply.code(201).send({ success: true, data: request.body, meta: { requestId: request.id } }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

/** Load on one route, with this process's CPU time per answered request (both servers live in this process). */
async function loadWithCpu(spec: Omit<LoadSpec, 'connections' | 'durationS'>) {
  const before = process.cpuUsage();
  const result = await runLoad({ connections: CONNECTIONS, durationS: DURATION_S, ...spec });
  const used = process.cpuUsage(before);
  return { result, cpuUsPerReq: Math.round((used.user + used.system) / Math.max(1, result.requests)) };
}

/** A V8 CPU profile of this process from now until the returned function writes it (`--cpu-prof` adds start-up). */
async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (path: string) => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(PROFILE_DIR!, { recursive: true });
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * BENCH_ONLY=get: the read path alone, baseline then app, printed but not written to results. CPU µs per request
 * is printed beside req/s; when it rises as req/s falls, the run was bound by waiting (the database round trip on a
 * loaded box), not by this process's work per request.
 */
async function benchGetOnly(url: string, seeded: Awaited<ReturnType<typeof seedTrip>>, db: Db) {
  const meta = { requestId: 'x'.repeat(36), timestamp: new Date().toISOString() };
  const baseline = await startBaseline({ success: true, data: seeded.view, meta }, db);
  const bare = await loadWithCpu({ url: baseline.url, method: 'GET', path: '/baseline/trip' });
  const headers = { authorization: `Bearer ${seeded.riderToken}` };
  const stopProfile = PROFILE_DIR ? await startProfile() : undefined;
  const app = await loadWithCpu({ url, method: 'GET', path: `/api/v1/trips/${seeded.tripId}`, headers });
  await stopProfile?.(resolve(PROFILE_DIR!, 'get-trip.cpuprofile'));
  await baseline.app.close();
  const ratio = Math.round((app.result.okPerSec / bare.result.okPerSec) * 1000) / 1000;
  process.stdout.write(`baseline GET  ${fmt(bare.result)}  cpu ${bare.cpuUsPerReq} µs/req\n`);
  process.stdout.write(`app GET trip  ${fmt(app.result)}  cpu ${app.cpuUsPerReq} µs/req\n`);
  const load = loadavg().map((l) => l.toFixed(1));
  process.stdout.write(
    `SUMMARY api (GET only): ${app.result.okPerSec} 2xx/s, p95 ${app.result.okP95} ms, ${ratio}x bare fastify, ` +
      `server CPU ${app.cpuUsPerReq} vs ${bare.cpuUsPerReq} µs/req; ${CONNECTIONS} conns, load ${load.join(' ')}\n`,
  );
}

/**
 * BENCH_ONLY=post: the one-INSERT baseline then POST /trips, printed but not written. Round trips per request count
 * every pg query the process sent during the app's run (auth, the request transaction and the inline first round
 * that runs after the reply), divided by the requests answered.
 */
async function benchPostOnly(url: string, db: Db, tokensFile: string) {
  const baseline = await startBaseline({}, db);
  const bare = await loadWithCpu(postBaseline(baseline.url, '/baseline/insert'));
  const stopProfile = PROFILE_DIR ? await startProfile() : undefined;
  const sentBefore = roundTrips();
  const app = await loadWithCpu(postTrips(url, tokensFile));
  const perRequest = (roundTrips() - sentBefore) / Math.max(1, app.result.requests);
  await stopProfile?.(resolve(PROFILE_DIR!, 'post-trip.cpuprofile'));
  await baseline.app.close();
  const ratio = Math.round((app.result.okPerSec / bare.result.okPerSec) * 1000) / 1000;
  process.stdout.write(`1-INSERT txn  ${fmt(bare.result)}  cpu ${bare.cpuUsPerReq} µs/req\n`);
  process.stdout.write(`app POST trip ${fmt(app.result)}  cpu ${app.cpuUsPerReq} µs/req\n`);
  const load = loadavg().map((l) => l.toFixed(1));
  process.stdout.write(
    `SUMMARY api (POST only): ${app.result.okPerSec} 2xx/s, p95 ${app.result.okP95} ms, ${ratio}x one-INSERT txn, ` +
      `${perRequest.toFixed(1)} round trips/req, server CPU ${app.cpuUsPerReq} vs ${bare.cpuUsPerReq} µs/req; ` +
      `${CONNECTIONS} conns, load ${load.join(' ')}\n`,
  );
}

async function main() {
  const schema = `bench_api_${randomBytes(3).toString('hex')}`;
  const loadAtStart = loadavg()[0] ?? 0;
  const { platform, app, close, url } = await startSmartline(schema, DATABASE_URL);
  const tokensFile = join(tmpdir(), `smartline-bench-tokens-${schema}.json`);
  try {
    const seeded = await seedTrip(platform, app);
    if (ONLY_GET) return await benchGetOnly(url, seeded, platform.database.db);
    const started = performance.now();
    const tokens = await seedRiders(platform, RIDERS);
    writeFileSync(tokensFile, JSON.stringify(tokens));
    if (ONLY_POST) return await benchPostOnly(url, platform.database.db, tokensFile);
    process.stdout.write(
      `# seeded ${RIDERS} riders in ${Math.round(performance.now() - started)} ms; ${CONNECTIONS} connections, ` +
        `${DURATION_S} s per run, ${cpus().length} cores\n`,
    );
    const baseline = await startBaseline(
      { success: true, data: seeded.view, meta: { requestId: 'x'.repeat(36), timestamp: new Date().toISOString() } },
      platform.database.db,
    );
    const load = (spec: Omit<LoadSpec, 'connections' | 'durationS'>) =>
      runLoad({ connections: CONNECTIONS, durationS: DURATION_S, ...spec });

    const baselineGet = await load({ url: baseline.url, method: 'GET', path: '/baseline/trip' });
    const appGet = await load({
      url,
      method: 'GET',
      path: `/api/v1/trips/${seeded.tripId}`,
      headers: { authorization: `Bearer ${seeded.riderToken}` },
    });
    const baselinePost = await load(postBaseline(baseline.url, '/baseline/trips'));
    const baselineInsert = await load(postBaseline(baseline.url, '/baseline/insert'));
    const appPost = await load(postTrips(url, tokensFile));
    await baseline.app.close();

    const ratio = (a: LoadResult, b: LoadResult) => Math.round((a.reqPerSec / b.reqPerSec) * 1000) / 1000;
    const tripsCreated =
      (await platform.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM trips')).rows[0]!.n - 1;
    const results = {
      ranAt: new Date().toISOString(),
      // The box is shared (Postgres too): a high load average means noisy figures.
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model,
        node: process.version,
        loadAvg1m: { start: loadAtStart, end: loadavg()[0] },
      },
      settings: {
        connections: CONNECTIONS,
        durationS: DURATION_S,
        riders: RIDERS,
        postgres: DATABASE_URL.replace(/:[^:@/]+@/, ':***@'),
      },
      getTrip: { app: appGet, baseline: baselineGet, ratio: ratio(appGet, baselineGet) },
      createTrip: {
        app: appPost,
        baseline: baselinePost,
        ratio: ratio(appPost, baselinePost),
        baselineInsert,
        ratioVsInsert: ratio(appPost, baselineInsert),
        tripsCreated,
        tokensExhausted: (appPost.tokensUsed ?? 0) > RIDERS,
      },
    };
    writeFigures('api', [
      {
        figure: `GET /trips/:id 2xx/s, ${CONNECTIONS} conns`,
        unit: 'req/s',
        smartline: appGet.okPerSec,
        baselineName: 'bare Fastify GET',
        baseline: baselineGet.okPerSec,
        goal: { atLeast: 0.3 },
      },
      {
        figure: 'GET /trips/:id p95 (2xx)',
        unit: 'ms',
        smartline: appGet.okP95,
        baselineName: 'bare Fastify GET',
        baseline: baselineGet.okP95,
        goal: { on: 'smartline', atMost: 50 },
      },
      {
        figure: `POST /trips 2xx/s, ${CONNECTIONS} conns`,
        unit: 'req/s',
        smartline: appPost.okPerSec,
        baselineName: 'one txn, one INSERT … RETURNING',
        baseline: baselineInsert.okPerSec,
        goal: { atLeast: 0.5 },
      },
      {
        figure: 'POST /trips p95 (2xx)',
        unit: 'ms',
        smartline: appPost.okP95,
        baselineName: 'one txn, one INSERT … RETURNING',
        baseline: baselineInsert.okP95,
        goal: { on: 'smartline', atMost: 100 },
      },
      {
        figure: `POST /trips 2xx/s vs no database, ${CONNECTIONS} conns`,
        unit: 'req/s',
        smartline: appPost.okPerSec,
        baselineName: 'bare Fastify POST',
        baseline: baselinePost.okPerSec,
      },
    ]);
    mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

    process.stdout.write(`baseline GET  ${fmt(baselineGet)}\n`);
    process.stdout.write(`app GET trip  ${fmt(appGet)}\n`);
    process.stdout.write(`baseline POST ${fmt(baselinePost)}\n`);
    process.stdout.write(`1-INSERT txn  ${fmt(baselineInsert)}\n`);
    process.stdout.write(`app POST trip ${fmt(appPost)}  (${tripsCreated} trips created)\n`);
    process.stdout.write(`ratio app/baseline: GET ${results.getTrip.ratio}, POST ${results.createTrip.ratio}\n`);
    process.stdout.write(
      `SUMMARY api: GET /trips/:id ${appGet.reqPerSec} req/s p99 ${appGet.p99.toFixed(1)} ms ` +
        `(${results.getTrip.ratio}x bare fastify); ` +
        `POST /trips ${appPost.reqPerSec} req/s p99 ${appPost.p99.toFixed(1)} ms (${results.createTrip.ratio}x); ` +
        `${CONNECTIONS} conns, ${cpus().length} cores, load ${loadAtStart.toFixed(1)} -> ${RESULTS}\n`,
    );
    if (results.createTrip.tokensExhausted)
      process.stdout.write(
        `WARNING: more POSTs than riders (${RIDERS}); raise BENCH_RIDERS, later requests were 409s\n`,
      );
  } finally {
    rmSync(tokensFile, { force: true });
    await close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
