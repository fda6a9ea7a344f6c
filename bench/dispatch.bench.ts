/**
 * `npm run bench:dispatch` (tsx bench/dispatch.bench.ts).
 *
 * 1. Latency: 10,000 online drivers (approved, available in Postgres, fresh
 *    positions in the memory hot state, scattered over ±0.1° around Tahrir,
 *    ~22 × 22 km). One trip request at a time through the full HTTP stack
 *    (fastify inject: auth, validation, pricing, the request transaction);
 *    measured from just before the request to the first `trip:offer` emitted
 *    (a recording emitter on platform.realtime, where sockets would be).
 *      inline     round 1 right after the request commits (the default)
 *      nearest    same, MATCHING_DEGRADED: nearest-first, no per-driver scoring lookups
 *      job-queue  baseline: round 1 only through its graphile-worker job
 *    Goal: inline p99 < 50 ms.
 * 2. Races: 100 concurrent requests, 100 drivers accepting every offer the
 *    moment it arrives → no driver on two trips, every rider matched at most once.
 *
 * Riders, drivers and sessions are bulk-inserted with SQL; access tokens are
 * signed with the app's key ring (real tokens, verified by the app as usual).
 * Each scenario runs in its own scratch schema, dropped afterwards.
 *
 * Env: DATABASE_URL, BENCH_DRIVERS (10000), BENCH_REQUESTS (300).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { hash } from '@node-rs/argon2';
import { loadConfig } from '../src/config.js';
import { createPlatform, type Platform } from '../src/platform/runtime.js';
import { buildApp, type App } from '../src/app.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { KeyRing } from '../src/modules/auth/index.js';
import type { RealtimeEmitter } from '../src/platform/realtime/emitter.js';
import { DATABASE_URL } from './support/socket-fleet.js';
import { distribution, machine, ratio, writeResults, type Distribution } from './support/stats.js';
import { seededRandom as seeded } from '../support/seeded-random.js';
import { dropScratchSchema } from '../support/scratch-schema.js';

const DRIVERS = Number(process.env.BENCH_DRIVERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const WARMUP = 20;
const RACE_N = 100;
const TAHRIR = { lat: 30.0444, lng: 31.2357 };
const GOAL_P99_MS = 50;

type Point = { lat: number; lng: number };
const scatter = (rand: () => number, spreadDeg: number): Point => ({
  lat: TAHRIR.lat + (rand() * 2 - 1) * spreadDeg,
  lng: TAHRIR.lng + (rand() * 2 - 1) * spreadDeg,
});

/** Records when each trip's first offer was emitted, and lets a scenario react to offers. */
class OfferRecorder implements RealtimeEmitter {
  readonly firstOfferAt = new Map<string, number>();
  onOffer: ((driverId: string, tripId: string) => void) | undefined;
  toUser(userId: string, event: string, payload: Record<string, unknown>) {
    if (event !== 'trip:offer') return;
    const tripId = String(payload.tripId);
    if (!this.firstOfferAt.has(tripId)) this.firstOfferAt.set(tripId, performance.now());
    this.onOffer?.(userId, tripId);
  }
  toRoom() {}
  toAdmins() {}
  joinUserToRoom() {}
}

interface Stack {
  platform: Platform;
  app: App;
  keyRing: KeyRing;
  ttlS: number;
  recorder: OfferRecorder;
  close(): Promise<void>;
}

async function startStack(name: string, env: Record<string, string>): Promise<Stack> {
  const schema = `bench_dispatch_${name}_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL,
    DB_SCHEMA: schema,
    LOG_LEVEL: 'silent',
    RATE_LIMITS_DISABLED: 'true',
    ADMIN_PHONE: '+201009999998',
    ADMIN_PASSWORD: 'bench-admin-password',
    DB_POOL_MAX: '20',
    ...env,
  });
  const platform = await createPlatform(config, { log: createLogger('silent') });
  const app = await buildApp(platform);
  await app.http.ready();
  const recorder = new OfferRecorder();
  platform.realtime.attach(recorder);
  await platform.jobs.start();
  return {
    platform,
    app,
    recorder,
    keyRing: new KeyRing(config.jwtKeys, config.jwtActiveKid),
    ttlS: config.ACCESS_TOKEN_TTL_S,
    async close() {
      await app.http.close();
      await platform.jobs.stop();
      await dropScratchSchema(platform.database.pool, schema);
      await platform.close();
    },
  };
}

/** `n` users of a role with one session each; returns ids and signed access tokens. */
async function seedUsers(stack: Stack, role: 'rider' | 'driver', n: number, phonePrefix: string) {
  const pool = stack.platform.database.pool;
  const passwordHash = await hash('bench-password');
  const users = await pool.query<{ id: string }>(
    `INSERT INTO users (phone, name, role, password_hash) SELECT $1 || lpad(g::text, 8, '0'), 'Bench ' || $2, $2, ` +
      `$3 FROM generate_series(1, $4::int) g RETURNING id`,
    [phonePrefix, role, passwordHash, n],
  );
  const ids = users.rows.map((r) => r.id);
  const sessions = await pool.query<{ id: string; user_id: string }>(
    'INSERT INTO sessions (user_id) SELECT unnest($1::uuid[]) RETURNING id, user_id',
    [ids],
  );
  const tokens = await Promise.all(
    sessions.rows.map(async (s) => ({
      id: s.user_id,
      token: (await stack.keyRing.sign({ sub: s.user_id, role, sid: s.id }, stack.ttlS)).token,
    })),
  );
  return tokens;
}

/** Approved, available economy drivers in Postgres and fresh positions in hot state. */
async function seedDrivers(stack: Stack, n: number, place: () => Point) {
  const drivers = await seedUsers(stack, 'driver', n, '+2015');
  await stack.platform.database.pool.query(
    `INSERT INTO driver_profiles (user_id, vehicle_class, vehicle, approved, state)
     SELECT unnest($1::uuid[]), 'economy', '{"make":"Toyota","model":"Corolla","plate":"BEN 1","color":"white"}', true, 'available'`,
    [drivers.map((d) => d.id)],
  );
  const positions = drivers.map((d) => ({ driverId: d.id, ...place() }));
  const refresh = async () => {
    const at = Date.now();
    for (const p of positions)
      await stack.platform.hotState.upsertDriverPosition({ ...p, vehicleClass: 'economy', available: true, at });
  };
  await refresh();
  return { drivers, refresh };
}

async function inject(app: App, method: 'POST' | 'GET', url: string, token: string, body?: unknown) {
  return app.http.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: body as object });
}

/** Request → first trip:offer, one request at a time. */
async function measureLatency(
  name: string,
  env: Record<string, string>,
): Promise<{ firstOffer: Distribution; request: Distribution; offered: number }> {
  const stack = await startStack(name, env);
  try {
    const rand = seeded(42);
    const { refresh } = await seedDrivers(stack, DRIVERS, () => scatter(rand, 0.1));
    const riders = await seedUsers(stack, 'rider', REQUESTS + WARMUP, '+2012');
    const firstOffer: number[] = [];
    const request: number[] = [];
    let lastRefresh = Date.now();
    for (let i = 0; i < riders.length; i++) {
      if (Date.now() - lastRefresh > 30_000) {
        await refresh(); // positions stay fresh (< 60 s) like heartbeating drivers
        lastRefresh = Date.now();
      }
      const pickup = scatter(rand, 0.05);
      const started = performance.now();
      const res = await inject(stack.app, 'POST', '/api/v1/trips', riders[i]!.token, {
        pickup,
        dropoff: { lat: pickup.lat + 0.03, lng: pickup.lng },
        vehicleClass: 'economy',
        paymentMethod: 'cash',
      });
      const responded = performance.now();
      if (res.statusCode !== 201) throw new Error(`request failed: ${res.statusCode} ${res.body}`);
      const tripId = res.json().data.id as string;
      const deadline = Date.now() + 10_000;
      while (!stack.recorder.firstOfferAt.has(tripId) && Date.now() < deadline) await sleep(0.2);
      const offeredAt = stack.recorder.firstOfferAt.get(tripId);
      if (offeredAt === undefined) throw new Error(`no offer for ${tripId} within 10 s`);
      if (i >= WARMUP) {
        firstOffer.push(offeredAt - started);
        request.push(responded - started);
      }
    }
    return {
      firstOffer: distribution(firstOffer),
      request: distribution(request),
      offered: stack.recorder.firstOfferAt.size,
    };
  } finally {
    await stack.close();
  }
}

/** 100 riders request at once; 100 drivers accept every offer as soon as it arrives. */
async function raceScenario() {
  const stack = await startStack('race', { DISPATCH_TIME_SCALE: '0.2' });
  try {
    const rand = seeded(7);
    const { drivers } = await seedDrivers(stack, RACE_N, () => scatter(rand, 0.015));
    const tokenOf = new Map(drivers.map((d) => [d.id, d.token]));
    const riders = await seedUsers(stack, 'rider', RACE_N, '+2012');
    const codes: Record<number, number> = {};
    stack.recorder.onOffer = (driverId, tripId) => {
      Promise.resolve()
        .then(() =>
          inject(stack.app, 'POST', `/api/v1/trips/${tripId}/driver-response`, tokenOf.get(driverId)!, {
            action: 'accept',
          }),
        )
        .then(
          (r) => {
            codes[r.statusCode] = (codes[r.statusCode] ?? 0) + 1;
          },
          () => {},
        );
    };
    const started = performance.now();
    const created = await Promise.all(
      riders.map((r) => {
        const pickup = scatter(rand, 0.015);
        return inject(stack.app, 'POST', '/api/v1/trips', r.token, {
          pickup,
          dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng },
          vehicleClass: 'economy',
          paymentMethod: 'cash',
        });
      }),
    );
    const requestCodes = created.map((c) => c.statusCode);
    const pool = stack.platform.database.pool;
    const deadline = Date.now() + 60_000;
    let accepted = 0;
    while (Date.now() < deadline) {
      await sleep(50);
      const counts = await pool
        .query<{ accepted: number; searching: number }>(
          `SELECT count(*) FILTER (WHERE status = 'accepted')::int AS accepted, count(*) FILTER (WHERE status = ` +
            `'searching')::int AS searching FROM trips`,
        )
        .catch(() => null); // the pool may be saturated by the burst itself: poll again
      if (!counts) continue;
      accepted = counts.rows[0]!.accepted;
      if (counts.rows[0]!.searching === 0) break;
    }
    const allMatchedMs = performance.now() - started;
    const q = async (text: string) => (await pool.query<{ n: number }>(text)).rows[0]!.n;
    const matchMs = (
      await pool.query<{ ms: number }>(
        `SELECT extract(epoch FROM accepted_at - created_at) * 1000 AS ms FROM trips WHERE status = 'accepted'`,
      )
    ).rows.map((r) => Number(r.ms));
    return {
      trips: RACE_N,
      requestCodes: requestCodes.reduce<Record<number, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {}),
      matched: accepted,
      driversOnTwoTrips: await q(
        `SELECT count(*)::int AS n FROM (SELECT driver_id FROM trips WHERE status = 'accepted' GROUP BY driver_id ` +
          `HAVING count(*) > 1) x`,
      ),
      ridersMatchedTwice: await q(
        `SELECT count(*)::int AS n FROM (SELECT rider_id FROM trips WHERE status = 'accepted' GROUP BY rider_id ` +
          `HAVING count(*) > 1) x`,
      ),
      tripsWithTwoAcceptedOffers: await q(
        `SELECT count(*)::int AS n FROM (SELECT trip_id FROM trip_offers WHERE status = 'accepted' GROUP BY ` +
          `trip_id HAVING count(*) > 1) x`,
      ),
      busyDriversWithoutTrip: await q(
        `SELECT count(*)::int AS n FROM driver_profiles p WHERE state = 'busy' AND NOT EXISTS (SELECT 1 FROM trips ` +
          `t WHERE t.driver_id = p.user_id AND t.status = 'accepted')`,
      ),
      acceptResponses: codes,
      requestToAcceptMs: distribution(matchMs),
      allSettledMs: Math.round(allMatchedMs),
    };
  } finally {
    stack.recorder.onOffer = undefined;
    await stack.close();
  }
}

const fmt = (d: Distribution) =>
  `p50 ${d.p50.toFixed(2).padStart(7)} ms  p90 ${d.p90.toFixed(2).padStart(7)} ms  p99 ` +
  `${d.p99.toFixed(2).padStart(7)} ms  max ${d.max.toFixed(1).padStart(7)} ms`;

async function main() {
  const loadAtStart = loadavg()[0] ?? 0;
  process.stdout.write(
    `# ${DRIVERS} online drivers, ${REQUESTS} requests one at a time (+${WARMUP} warm-up), load avg ` +
      `${loadAtStart.toFixed(1)}\n`,
  );
  const inline = await measureLatency('inline', {});
  process.stdout.write(
    `inline     request→first offer ${fmt(inline.firstOffer)}   (HTTP reply ${fmt(inline.request)})\n`,
  );
  const nearest = await measureLatency('nearest', { MATCHING_DEGRADED: 'true' });
  process.stdout.write(`nearest    request→first offer ${fmt(nearest.firstOffer)}\n`);
  const jobQueue = await measureLatency('jobqueue', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
  process.stdout.write(`job-queue  request→first offer ${fmt(jobQueue.firstOffer)}   (baseline)\n`);
  const race = await raceScenario();
  process.stdout.write(
    `race       ${RACE_N} concurrent requests × ${RACE_N} greedy drivers: matched ${race.matched}, drivers on two ` +
      `trips ${race.driversOnTwoTrips}, riders matched twice ${race.ridersMatchedTwice}, accept codes ` +
      `${JSON.stringify(race.acceptResponses)}, request→accept ${fmt(race.requestToAcceptMs)}\n`,
  );

  const results = {
    ranAt: new Date().toISOString(),
    machine: { ...machine(), loadAvg1m: { start: loadAtStart, end: loadavg()[0] } },
    settings: {
      drivers: DRIVERS,
      requests: REQUESTS,
      warmup: WARMUP,
      postgres: DATABASE_URL.replace(/:[^:@/]+@/, ':***@'),
      hotState: 'memory',
    },
    firstOfferMs: { inline: inline.firstOffer, nearest: nearest.firstOffer, jobQueueBaseline: jobQueue.firstOffer },
    requestReplyMs: inline.request,
    ratios: {
      jobQueueP99OverInlineP99: ratio(jobQueue.firstOffer.p99, inline.firstOffer.p99),
      inlineP99OverNearestP99: ratio(inline.firstOffer.p99, nearest.firstOffer.p99),
    },
    goal: { p99BelowMs: GOAL_P99_MS, met: inline.firstOffer.p99 < GOAL_P99_MS },
    race,
  };
  const path = writeResults('dispatch', results);
  process.stdout.write(
    `summary: first offer p99 ${inline.firstOffer.p99} ms (goal < ${GOAL_P99_MS}: ${results.goal.met ? 'met' : 'NOT met'}), ` +
      `${results.ratios.jobQueueP99OverInlineP99}× faster than the job-queue baseline; ` +
      `race: ${race.matched}/${RACE_N} matched, ${race.driversOnTwoTrips} double-booked drivers → ${path}\n`,
  );
  const ok = race.driversOnTwoTrips === 0 && race.ridersMatchedTwice === 0 && race.tripsWithTwoAcceptedOffers === 0;
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
