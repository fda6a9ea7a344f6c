/**
 * `npm run bench:location`: simulated drivers over real sockets
 * (socket.io-client, websocket) sending `driver:location_update` with acks,
 * open loop at fixed rates. Measures sustained ACCEPTED updates/s and ack
 * latency p50/p99 of the SmartLine gateway + location pipeline (auth'd
 * sockets, zod, per-socket limit, hot state, buffer → Postgres flushes,
 * history) against a bare Socket.IO echo+ack server in the same run.
 * Each server runs alone in a child process; the clients run here.
 * Goal: ≥ 80 % of bare throughput.
 *
 * Fix timestamps start 23 h in the past and advance 2 s per update, so every
 * update is a new, in-order fix (none coalesced) at any send rate.
 *
 * Env: DATABASE_URL, BENCH_CLIENTS (1000), BENCH_RATES ("5,20" updates/s per
 * client), BENCH_DURATION_S (10), BENCH_MAX_INFLIGHT (20 per client).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Socket as ClientSocket } from 'socket.io-client';
import { benchAppEnv, closeFleet, connectFleet, DATABASE_URL, dropSchema, seedUsers, startServer, type ServerProcess } from './support/socket-fleet.js';
import { distribution, machine, ratio, writeResults, type Distribution } from './support/stats.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000);
const RATES = (process.env.BENCH_RATES ?? '5,20').split(',').map(Number);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const MAX_INFLIGHT = Number(process.env.BENCH_MAX_INFLIGHT ?? 20);
const WARMUP_S = 3;
const GOAL = 0.8;
const CAIRO = { lat: 30.0444, lng: 31.2357 };
const FIX_STEP_MS = 2_000; // API.md coalescing: fixes ≥ 2 s apart are all accepted

interface LevelResult {
  ratePerClient: number;
  offeredPerSec: number;
  acceptedPerSec: number;
  ackedPerSec: number;
  notAccepted: number;
  errors: number;
  skippedBackpressure: number;
  latencyMs: Distribution;
}

interface Driver {
  socket: ClientSocket;
  lat: number;
  lng: number;
  fixAt: number;
  inflight: number;
}

/** Sends at `rate` per client for `seconds`; counts only acks that arrive inside the window. */
async function runLevel(drivers: Driver[], rate: number, seconds: number): Promise<LevelResult> {
  const latencies: number[] = [];
  let accepted = 0;
  let acked = 0;
  let notAccepted = 0;
  let errors = 0;
  let skipped = 0;
  let open = true;
  const periodMs = 1000 / rate;
  const timers: NodeJS.Timeout[] = [];
  const send = (d: Driver) => {
    if (d.inflight >= MAX_INFLIGHT) return void skipped++;
    d.inflight++;
    d.fixAt += FIX_STEP_MS;
    d.lat += (Math.random() - 0.5) * 2e-4;
    d.lng += (Math.random() - 0.5) * 2e-4;
    const sentAt = performance.now();
    const payload = { lat: d.lat, lng: d.lng, heading: 90, speed: 8, accuracy: 5, timestamp: d.fixAt };
    d.socket.emit('driver:location_update', payload, (reply: { ok: boolean; data?: { accepted: boolean } }) => {
      d.inflight--;
      if (!open) return;
      acked++;
      latencies.push(performance.now() - sentAt);
      if (!reply.ok) errors++;
      else if (reply.data?.accepted) accepted++;
      else notAccepted++;
    });
  };
  const started = performance.now();
  for (const d of drivers) {
    // Random phase: clients do not all fire in the same millisecond.
    timers.push(setTimeout(() => timers.push(setInterval(() => send(d), periodMs)), Math.random() * periodMs));
  }
  await sleep(seconds * 1000);
  for (const t of timers) clearTimeout(t);
  open = false;
  const elapsedS = (performance.now() - started) / 1000;
  await sleep(1_000); // let stragglers land before the next level
  for (const d of drivers) d.inflight = 0;
  return {
    ratePerClient: rate,
    offeredPerSec: rate * drivers.length,
    acceptedPerSec: Math.round(accepted / elapsedS),
    ackedPerSec: Math.round(acked / elapsedS),
    notAccepted,
    errors,
    skippedBackpressure: skipped,
    latencyMs: distribution(latencies),
  };
}

async function runServer(server: ServerProcess, tokens: Array<string | undefined>) {
  const sockets = await connectFleet(server.url, tokens);
  const fixStart = Date.now() - 23 * 3600_000;
  const drivers = sockets.map((socket) => ({ socket, lat: CAIRO.lat + (Math.random() - 0.5) * 0.3, lng: CAIRO.lng + (Math.random() - 0.5) * 0.3, fixAt: fixStart, inflight: 0 }));
  await runLevel(drivers, 2, WARMUP_S);
  const levels: LevelResult[] = [];
  for (const rate of RATES) levels.push(await runLevel(drivers, rate, DURATION_S));
  closeFleet(sockets);
  return levels;
}

async function countRows(schema: string) {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${schema},public` });
  const q = async (table: string) => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const counts = { driverLocations: await q('driver_locations'), historyRows: await q('location_history') };
  await pool.end();
  return counts;
}

const fmt = (l: LevelResult) =>
  `${String(l.offeredPerSec).padStart(6)} offered/s → ${String(l.acceptedPerSec).padStart(6)} accepted/s (${l.ackedPerSec} acked/s)  ack p50 ${l.latencyMs.p50.toFixed(2)} ms  p99 ${l.latencyMs.p99.toFixed(2)} ms  errors ${l.errors}  skipped ${l.skippedBackpressure}`;

async function main() {
  const schema = `bench_loc_${randomBytes(3).toString('hex')}`;
  const bare = await startServer('bare');
  const baseline = await runServer(bare, Array.from({ length: CLIENTS }, () => undefined));
  await bare.stop();

  // Per-socket event limit raised above the bench's per-client rate; everything else as in production.
  const app = await startServer('smartline', benchAppEnv(schema, { SOCKET_EVENTS_PER_10S: String(Math.max(...RATES) * 10 * 2) }));
  let smartline: LevelResult[] = [];
  let rows = { driverLocations: 0, historyRows: 0 };
  try {
    const drivers = await seedUsers(schema, CLIENTS, 'driver');
    smartline = await runServer(app, drivers.map((d) => d.token));
    await app.stop(); // final flush of the location buffer
    rows = await countRows(schema);
  } finally {
    await app.stop().catch(() => {});
    await dropSchema(schema);
  }

  const top = smartline.length - 1;
  const results = {
    ranAt: new Date().toISOString(),
    machine: machine(),
    settings: { clients: CLIENTS, ratesPerClient: RATES, durationS: DURATION_S, maxInflightPerClient: MAX_INFLIGHT, goal: GOAL },
    baseline,
    smartline,
    persisted: rows,
    ratio: ratio(smartline[top]!.acceptedPerSec, baseline[top]!.ackedPerSec),
  };
  const goalMet = results.ratio >= GOAL;
  const path = writeResults('location', { ...results, goalMet });
  for (let i = 0; i < RATES.length; i++) {
    process.stdout.write(`bare      ${fmt(baseline[i]!)}\n`);
    process.stdout.write(`smartline ${fmt(smartline[i]!)}\n`);
  }
  process.stdout.write(`persisted: ${rows.driverLocations} last-known positions, ${rows.historyRows} history rows\n`);
  process.stdout.write(`ratio smartline accepted/s ÷ bare acks/s at ${baseline[top]!.offeredPerSec}/s offered: ${results.ratio}\n`);
  const s = smartline[top]!;
  process.stdout.write(
    `SUMMARY location: ${s.acceptedPerSec} accepted updates/s, ack p50 ${s.latencyMs.p50.toFixed(2)} ms p99 ${s.latencyMs.p99.toFixed(2)} ms ` +
      `(bare ${baseline[top]!.ackedPerSec}/s p99 ${baseline[top]!.latencyMs.p99.toFixed(2)} ms; ${results.ratio}x); goal ≥ ${GOAL} ${goalMet ? 'met' : 'MISSED'}; ${CLIENTS} clients -> ${path}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
