/**
 * `npm run bench:transition-push` (issue 17 point 6, "a push provider that hangs does not delay
 * `POST /trips/:id/status`"): the full app over real HTTP with its job workers running, the push
 * provider a local FCM v1 endpoint that either answers at once (healthy, the baseline) or never
 * answers (hanging: each send waits for PROVIDER_TIMEOUT_MS, then retries). Every trip's rider and
 * driver have a device, so each step (accepted, arrived, started, completed) queues a push.
 * Rounds alternate healthy / hanging in the same run; per round, BENCH_PAIRS fresh rider+driver pairs
 * each take one trip from accept to completion, BENCH_IN_FLIGHT trips at a time, and the three
 * driver steps are timed. Prints p50/p99 per mode and the p99 ratio hanging / healthy (goal ≤ 1.1).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_PAIRS (40),
 * BENCH_ROUNDS (3 per mode), BENCH_IN_FLIGHT (8).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyRing } from '../src/modules/auth/index.js';
import { offerTrip } from '../src/modules/trips/index.js';
import type { Platform } from '../src/platform/runtime.js';
import { startSmartline, TRIP_BODY } from './support/api-app.js';
import { distribution, machine, ratio, writeResults } from './support/stats.js';
import { writeFigures } from './support/figures.js';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GOAL_RATIO = 1.1; // issue 17 "Proof"

type Mode = 'healthy' | 'hanging';

/** The FCM v1 `messages:send` endpoint: a message name at once, or no answer at all. */
class FakeFcm {
  mode: Mode = 'healthy';
  received = 0;
  url = '';
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      this.received++;
      if (this.mode === 'hanging') return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: `projects/bench/messages/${this.received}` }));
    });
  });

  async start() {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

interface Party {
  id: string;
  token: string;
}

let seeded = 0;

/** `n` riders and approved, available drivers with a session and a push device each, inserted in bulk. */
async function seedPairs(platform: Platform, n: number): Promise<Array<{ rider: Party; driver: Party }>> {
  const pool = platform.database.pool;
  const from = seeded + 1;
  seeded += 2 * n;
  const users = await pool.query<{ id: string; role: 'rider' | 'driver' }>(
    `INSERT INTO users (phone, name, role, password_hash)
     SELECT '+2016' || lpad(g::text, 8, '0'), 'Bench', CASE WHEN g % 2 = 0 THEN 'driver' ELSE 'rider' END, 'x'
     FROM generate_series($1::int, $2::int) g RETURNING id, role`,
    [from, from + 2 * n - 1],
  );
  const drivers = users.rows.filter((u) => u.role === 'driver').map((u) => u.id);
  await pool.query(
    `INSERT INTO driver_profiles (user_id, vehicle_class, vehicle, approved, state)
     SELECT u, 'economy', '{"make":"Toyota","model":"Corolla","plate":"BEN 1","color":"white"}'::jsonb, true,
            'available' FROM unnest($1::uuid[]) u`,
    [drivers],
  );
  const sessions = await pool.query<{ id: string; user_id: string }>(
    'INSERT INTO sessions (user_id) SELECT unnest($1::uuid[]) RETURNING id, user_id',
    [users.rows.map((u) => u.id)],
  );
  await pool.query(
    `INSERT INTO push_devices (user_id, token, platform, session_id)
     SELECT user_id, 'bench-device-' || id, 'android', id FROM unnest($1::uuid[], $2::uuid[]) AS s(user_id, id)`,
    [sessions.rows.map((s) => s.user_id), sessions.rows.map((s) => s.id)],
  );
  const keyRing = new KeyRing(platform.config.jwtKeys, platform.config.jwtActiveKid);
  const role = new Map(users.rows.map((u) => [u.id, u.role]));
  const parties = await Promise.all(
    sessions.rows.map(async (s) => ({
      id: s.user_id,
      role: role.get(s.user_id)!,
      token: (await keyRing.sign({ sub: s.user_id, role: role.get(s.user_id)!, sid: s.id }, 3_600)).token,
    })),
  );
  const riders = parties.filter((p) => p.role === 'rider');
  const driverParties = parties.filter((p) => p.role === 'driver');
  return riders.map((rider, i) => ({ rider, driver: driverParties[i]! }));
}

async function call(base: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as { data: Record<string, unknown> };
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

/** One trip from accept to completion; returns the three timed driver steps (ms). */
async function rideOnce(platform: Platform, base: string, { rider, driver }: { rider: Party; driver: Party }) {
  const trip = await call(base, 'POST', '/api/v1/trips', rider.token, JSON.parse(TRIP_BODY));
  const tripId = trip.id as string;
  await offerTrip(platform.database.db, {
    tripId,
    driverIds: [driver.id],
    round: 1,
    expiresAt: new Date(Date.now() + 600_000),
  });
  await call(base, 'POST', `/api/v1/trips/${tripId}/driver-response`, driver.token, { action: 'accept' });
  const otp = (await call(base, 'GET', `/api/v1/trips/${tripId}`, rider.token)).otp as string;
  const timings: number[] = [];
  for (const body of [{ status: 'arrived' }, { status: 'started', otp }, { status: 'completed' }]) {
    const started = performance.now();
    await call(base, 'POST', `/api/v1/trips/${tripId}/status`, driver.token, body);
    timings.push(performance.now() - started);
  }
  return timings;
}

async function runRound(platform: Platform, base: string, fcm: FakeFcm, mode: Mode): Promise<number[]> {
  fcm.mode = mode;
  const pairs = await seedPairs(platform, PAIRS);
  const samples: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < pairs.length) samples.push(...(await rideOnce(platform, base, pairs[next++]!)));
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return samples;
}

async function main() {
  const fcm = new FakeFcm();
  await fcm.start();
  const schema = `bench_tpush_${randomBytes(3).toString('hex')}`;
  const app = await startSmartline(schema, DATABASE_URL, {
    PUSH_URL: fcm.url,
    PROVIDER_TIMEOUT_MS: '3000',
    DISPATCH_INLINE_FIRST_ROUND: 'false',
  });
  await app.platform.jobs.start();
  const samples: Record<Mode, number[]> = { healthy: [], hanging: [] };
  const loadBefore = loadavg();
  try {
    await runRound(app.platform, app.url, fcm, 'healthy'); // warm-up, not counted
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of ['healthy', 'hanging'] as const) {
        samples[mode].push(...(await runRound(app.platform, app.url, fcm, mode)));
        await sleep(500);
      }
    }
  } finally {
    fcm.mode = 'healthy';
    await app.platform.jobs.stop();
    await app.close();
    await fcm.close();
  }
  const healthy = distribution(samples.healthy);
  const hanging = distribution(samples.hanging);
  const p99Ratio = ratio(hanging.p99, healthy.p99);
  const results = {
    bench: 'transition-push',
    at: new Date().toISOString(),
    machine: machine(),
    loadavg: { before: loadBefore, after: loadavg() },
    settings: { pairsPerRound: PAIRS, roundsPerMode: ROUNDS, inFlight: IN_FLIGHT, providerTimeoutMs: 3000 },
    pushRequestsReceived: fcm.received,
    statusMs: { healthy, hanging },
    p99Ratio,
    goal: `p99 hanging / healthy ≤ ${GOAL_RATIO}`,
    met: p99Ratio <= GOAL_RATIO,
  };
  const path = writeResults('transition-push', results);
  writeFigures('transition-push', [
    {
      figure: 'POST /trips/:id/status p99, push provider hanging',
      unit: 'ms',
      smartline: hanging.p99,
      baselineName: 'push provider healthy',
      baseline: healthy.p99,
      goal: { atMost: GOAL_RATIO },
    },
  ]);
  console.log(
    `POST /trips/:id/status p99: healthy ${healthy.p99} ms, hanging push ${hanging.p99} ms → ratio ${p99Ratio} ` +
      `(goal ≤ ${GOAL_RATIO}: ${results.met ? 'met' : 'NOT met'}); p50 ${healthy.p50} vs ${hanging.p50} ms; ` +
      `load ${loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${path}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
