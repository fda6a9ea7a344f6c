/**
 * `npm run bench:sos`: how fast `POST /api/v1/sos` is acknowledged with every
 * provider down (push, SMS, voice, SMTP on a closed port), at 1, 10 and 50
 * alerts in flight, (a) on an idle node and (b) while the same node serves
 * 100 connections of `POST /trips` and 10,000 LOW jobs are queued. The node
 * runs as role `all` (API + job worker). Baseline in the same run and process:
 * a bare route doing one `INSERT … RETURNING` in one transaction on the pool
 * SOS writes through. Every alert is a fresh rider with two emergency
 * contacts, so each one is a new alert with its full fan-out. Requests come
 * from autocannon in a child process (bench/support/load.ts).
 *
 * Goals (issue 25): p99 < 100 ms at 10 concurrent on the idle node; under
 * load, SOS p99 ≤ 2× the baseline's p99.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_LOAD_S (90, the trips load's length), BENCH_TRIP_RIDERS (20000).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { sql } from 'kysely';
import { defineTask } from '../src/platform/jobs/task.js';
import type { Platform } from '../src/platform/runtime.js';
import { TRIP_BODY, seedRiders, startSmartline } from './support/api-app.js';
import { fmtLoad as fmt, runLoad, type LoadResult } from './support/run-load.js';
import {
  LOW_TASK,
  addContacts,
  ownersOf,
  pendingJobs,
  providersDown,
  queueLowJobs,
  startBaseline,
} from './support/sos-seed.js';
import { machine, ratio, writeResults } from './support/stats.js';
import { writeFigures } from './support/figures.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 90);
const TRIP_RIDERS = Number(process.env.BENCH_TRIP_RIDERS ?? 20_000);
const LEVELS = [1, 10, 50] as const;
/** Alerts per level: enough for a p99 that is not just the maximum at 10 and 50 in flight. */
const SAMPLES: Record<(typeof LEVELS)[number], number> = { 1: 100, 10: 200, 50: 500 };
const LOW_JOBS = 10_000;
const TRIP_CONNECTIONS = 100;
const SOS_BODY = JSON.stringify({ lat: 30.0501, lng: 31.2402 });
const json = { 'content-type': 'application/json' };

/** The pool SOS writes through (the baseline runs on it too). */
const sosDbOf = (platform: Platform) => platform.safetyDatabase.db;

type Level = (typeof LEVELS)[number];
interface LevelResult {
  concurrent: Level;
  sos: LoadResult;
  baseline: LoadResult;
  p99Ratio: number;
}

/** One token file per level; seedRiders numbers its phones from 1, so all riders are seeded in one call and split. */
async function tokenFiles(platform: Platform, schema: string, all: string[], phase: string) {
  const files = new Map<Level, string>();
  for (const level of LEVELS) {
    const tokens = all.splice(0, SAMPLES[level]);
    await addContacts(platform, ownersOf(tokens));
    const file = join(tmpdir(), `smartline-bench-sos-${schema}-${phase}-${level}.json`);
    writeFileSync(file, JSON.stringify(tokens));
    files.set(level, file);
  }
  return files;
}

async function measureLevels(args: { url: string; baselineUrl: string; tokens: Map<Level, string> }) {
  const out: LevelResult[] = [];
  for (const level of LEVELS) {
    const common = { method: 'POST' as const, connections: level, amount: SAMPLES[level], durationS: 300 };
    const baseline = await runLoad({
      ...common,
      url: args.baselineUrl,
      path: '/baseline/sos',
      headers: json,
      body: SOS_BODY,
    });
    const sos = await runLoad({
      ...common,
      url: args.url,
      path: '/api/v1/sos',
      headers: json,
      body: SOS_BODY,
      tokensFile: args.tokens.get(level)!,
    });
    out.push({ concurrent: level, sos, baseline, p99Ratio: ratio(sos.p99, baseline.p99) });
    process.stdout.write(
      `  ${level} in flight: sos ${fmt(sos)}\n  ${' '.repeat(String(level).length)}   baseline ${fmt(baseline)}\n`,
    );
  }
  return out;
}

async function main() {
  const schema = `bench_sos_${randomBytes(3).toString('hex')}`;
  const loadAtStart = loadavg()[0] ?? 0;
  const env = await providersDown();
  const { platform, close, url } = await startSmartline(schema, DATABASE_URL, env);
  const files: string[] = [];
  try {
    const db = platform.database.db;
    platform.jobs.register(defineTask({ name: LOW_TASK, schema: z.object({}) }), async () => {
      await sql`SELECT 1`.execute(db);
    });
    await platform.jobs.start();
    const perPhase = LEVELS.reduce((n, level) => n + SAMPLES[level], 0);
    const riders = await seedRiders(platform, TRIP_RIDERS + 2 * perPhase);
    const idleTokens = await tokenFiles(platform, schema, riders, 'idle');
    const loadTokens = await tokenFiles(platform, schema, riders, 'load');
    const tripsFile = join(tmpdir(), `smartline-bench-sos-${schema}-trips.json`);
    writeFileSync(tripsFile, JSON.stringify(riders));
    files.push(tripsFile, ...idleTokens.values(), ...loadTokens.values());
    const baseline = await startBaseline(sosDbOf(platform));

    process.stdout.write(
      `# (a) idle node, providers down (${Object.keys(env)
        .filter((k) => k.endsWith('_URL'))
        .join(', ')})\n`,
    );
    const idle = await measureLevels({ url, baselineUrl: baseline.url, tokens: idleTokens });

    process.stdout.write(`# (b) ${TRIP_CONNECTIONS} connections of POST /trips + ${LOW_JOBS} LOW jobs queued\n`);
    await queueLowJobs(platform, LOW_JOBS);
    const trips = runLoad({
      url,
      method: 'POST',
      path: '/api/v1/trips',
      connections: TRIP_CONNECTIONS,
      durationS: LOAD_S,
      headers: json,
      body: TRIP_BODY,
      tokensFile: tripsFile,
    });
    await sleep(3_000); // the trip load at full speed before the first alert
    const loadStarted = performance.now();
    const loaded = await measureLevels({ url, baselineUrl: baseline.url, tokens: loadTokens });
    const measuredS = (performance.now() - loadStarted) / 1000;
    const lowJobsLeft = await pendingJobs(platform, LOW_TASK);
    const tripLoad = await trips;
    await baseline.app.close();

    const at10 = idle.find((r) => r.concurrent === 10)!;
    const results = {
      ranAt: new Date().toISOString(),
      machine: { ...machine(), loadAvg1m: { start: loadAtStart, end: loadavg()[0] } },
      settings: { samples: SAMPLES, tripConnections: TRIP_CONNECTIONS, lowJobs: LOW_JOBS, loadS: LOAD_S },
      idle,
      underLoad: {
        levels: loaded,
        trips: tripLoad,
        // The trip load must cover every alert of phase (b): 3 s warm-up + the measurements.
        loadCoveredMeasurements: 3 + measuredS <= LOAD_S,
        lowJobsLeftAfterMeasurements: lowJobsLeft,
      },
      goals: {
        idleP99At10UnderMs100: at10.sos.p99 < 100,
        underLoadP99AtMost2xBaseline: loaded.every((r) => r.p99Ratio <= 2),
      },
    };
    const path = writeResults('sos', results);
    writeFigures('sos', [
      ...idle.map((r) => ({
        figure: `POST /sos p99, idle, ${r.concurrent} concurrent`,
        unit: 'ms',
        smartline: r.sos.p99,
        baselineName: 'bare POST',
        baseline: r.baseline.p99,
        ...(r.concurrent === 10 ? { goal: { on: 'smartline' as const, atMost: 100 } } : {}),
      })),
      ...loaded.map((r) => ({
        figure: `POST /sos p99 under trip load, ${r.concurrent} concurrent`,
        unit: 'ms',
        smartline: r.sos.p99,
        baselineName: 'bare POST',
        baseline: r.baseline.p99,
        goal: { atMost: 2 },
      })),
    ]);
    process.stdout.write(`trips load: ${fmt(tripLoad)}; LOW jobs still queued after (b): ${lowJobsLeft}\n`);
    const line = (rs: LevelResult[]) =>
      rs
        .map((r) => `${r.concurrent}: p50 ${r.sos.p50} p99 ${r.sos.p99} ms (${r.p99Ratio}x base p99 ${r.baseline.p99})`)
        .join('; ');
    process.stdout.write(
      `SUMMARY sos: idle ${line(idle)} | under load ${line(loaded)} | goals: idle p99@10 < 100 ms ` +
        `${results.goals.idleP99At10UnderMs100 ? 'MET' : 'MISSED'}, load p99 ≤ 2x baseline ` +
        `${results.goals.underLoadP99AtMost2xBaseline ? 'MET' : 'MISSED'}; load ${loadAtStart.toFixed(1)} -> ${path}\n`,
    );
    if (!results.underLoad.loadCoveredMeasurements)
      process.stdout.write(`WARNING: the trip load ended before the last alert; raise BENCH_LOAD_S\n`);
  } finally {
    for (const f of files) rmSync(f, { force: true });
    await platform.jobs.stop();
    await close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
