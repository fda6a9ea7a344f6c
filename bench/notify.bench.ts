/**
 * `npm run bench:notify` (script: "tsx bench/notify.bench.ts"):
 *
 * 1. Throughput of `notifications.send` jobs through SmartLine's job queue
 *    (graphile-worker + delivery row read, circuit breaker, recording fake
 *    push provider, delivery row update) vs raw graphile-worker running
 *    no-op jobs on the same database with the same concurrency and batching (baseline).
 * 2. SOS latency while 10,000 LOW notifications are queued and being worked
 *    on: SOS alerts are raised over HTTP one after another and timed until
 *    the admin's Socket.IO client receives `sos:alert` (emitted right after
 *    commit); and each alert's CRITICAL push job (on-call topic) is timed
 *    from the alert row to "sent" — it must overtake the LOW backlog
 *    (support/notify-sos.ts).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_JOBS (5000 per round), BENCH_ROUNDS (3, baseline and SmartLine
 * alternate), BENCH_CONCURRENCY (20), BENCH_LOW_JOBS (10000), BENCH_SOS (50).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Platform } from '../src/platform/runtime.js';
import { queueDeliveries, type NewDelivery } from '../src/modules/notifications/index.js';
import { writeFigures } from './support/figures.js';
import { measured as measuredJobs, rawNoopJobsPerSecond, type Throughput } from './support/raw-jobs.js';
import { startBenchApp } from './support/bench-app.js';
import { countWhere, inChunks, signupMany, sosLatencies } from './support/notify-sos.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const LOW_JOBS = Number(process.env.BENCH_LOW_JOBS ?? 10_000);
const SOS_COUNT = Number(process.env.BENCH_SOS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RESULTS = resolve(import.meta.dirname, 'results/notify.json');
const GOAL_JOBS_PER_S = 1_000; // issue 7

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

const measured = (started: number, cpu: NodeJS.CpuUsage) => measuredJobs(JOBS, started, cpu);

const baselineJobsPerSecond = (platform: Platform, schema: string) =>
  rawNoopJobsPerSecond(platform.database.pool, schema, { jobs: JOBS, concurrency: CONCURRENCY });

/** SmartLine: N push deliveries (recording fake provider) queued, then drained by the app's workers. */
async function smartlineJobsPerSecond(platform: Platform, userId: string, roundNo: number): Promise<Throughput> {
  const { db } = platform.database;
  await inChunks(JOBS, 500, async (from, n) => {
    const rows: NewDelivery[] = Array.from({ length: n }, (_, i) => ({
      subjectType: 'bench',
      subjectId: userId,
      channel: 'push',
      recipient: `device-${roundNo}-${from + i}`,
      recipientKind: 'device',
      priority: 'NORMAL',
      content: { title: 'Bench', body: 'hello', data: {} },
    }));
    await db.transaction().execute((tx) => queueDeliveries(tx, platform.jobs, rows));
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await platform.jobs.start();
  const schema = platform.database.schema;
  const target = JOBS * (roundNo + 1);
  while (
    (await countWhere(
      platform,
      `SELECT count(*)::int AS n FROM "${schema}".notification_deliveries WHERE subject_type = 'bench' AND status ` +
        `= 'sent'`,
    )) < target
  )
    await sleep(20);
  const result = measured(started, cpu);
  await platform.jobs.stop();
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Alternates baseline and SmartLine runs (this box is shared; load drifts) and keeps the medians and the median paired
 * ratio.
 */
async function throughputRounds(platform: Platform, schema: string, userId: string) {
  const base: Throughput[] = [];
  const ours: Throughput[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    base.push(await baselineJobsPerSecond(platform, `${schema}_gw${r}`));
    ours.push(await smartlineJobsPerSecond(platform, userId, r));
  }
  return {
    jobsPerSec: median(ours.map((o) => o.jobsPerSec)),
    baselineNoopJobsPerSec: median(base.map((b) => b.jobsPerSec)),
    ratio: median(ours.map((o, i) => o.jobsPerSec / base[i]!.jobsPerSec)),
    cpuMsPerJob: median(ours.map((o) => o.cpuMsPerJob)),
    baselineCpuMsPerJob: median(base.map((b) => b.cpuMsPerJob)),
    rounds: ours.map((o, i) => ({
      jobsPerSec: round(o.jobsPerSec),
      baselineNoopJobsPerSec: round(base[i]!.jobsPerSec),
    })),
  };
}

async function main() {
  const schema = `bench_notify_${randomBytes(3).toString('hex')}`;
  const { platform, app } = await startBenchApp({
    databaseUrl: DATABASE_URL,
    schema,
    env: {
      DB_POOL_MAX: String(Math.min(100, CONCURRENCY + 20)),
      JOBS_CONCURRENCY: String(CONCURRENCY),
      DISPATCH_INLINE_FIRST_ROUND: 'false',
    },
  });
  try {
    const [benchUser] = await signupMany(app, 1);
    const tp = await throughputRounds(platform, schema, benchUser!.id);
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`;
    const sos = await sosLatencies(platform, app, url, { lowJobs: LOW_JOBS, sosCount: SOS_COUNT });
    const result = {
      date: new Date().toISOString(),
      concurrency: CONCURRENCY,
      throughput: {
        jobsPerRound: JOBS,
        jobsPerSec: round(tp.jobsPerSec),
        baselineNoopJobsPerSec: round(tp.baselineNoopJobsPerSec),
        ratio: round(tp.ratio, 3),
        cpuMsPerJob: round(tp.cpuMsPerJob, 3),
        baselineCpuMsPerJob: round(tp.baselineCpuMsPerJob, 3),
        goalJobsPerSec: GOAL_JOBS_PER_S,
        rounds: tp.rounds,
      },
      sosToAdminSocketMs: {
        alerts: sos.latencies.length,
        lowQueued: LOW_JOBS,
        lowBacklogAtFirstSos: sos.backlogAtFirst,
        lowBacklogAtLastSos: sos.backlogAtLast,
        p50: round(pct(sos.latencies, 50)),
        p95: round(pct(sos.latencies, 95)),
        p99: round(pct(sos.latencies, 99)),
        max: round(sos.latencies[sos.latencies.length - 1] ?? NaN),
        httpAckP50: round(pct(sos.acks, 50)),
        httpAckP99: round(pct(sos.acks, 99)),
      },
      sosCriticalPushJobMs: {
        sent: sos.push.length,
        p50: round(pct(sos.push, 50)),
        p99: round(pct(sos.push, 99)),
        max: round(sos.push[sos.push.length - 1] ?? NaN),
      },
    };
    mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    const t = result.throughput;
    writeFigures('notify', [
      {
        figure: `notifications.send jobs/s, ${CONCURRENCY} concurrent`,
        unit: '/s',
        smartline: t.jobsPerSec,
        baselineName: 'raw graphile-worker no-op',
        baseline: t.baselineNoopJobsPerSec,
        ratio: t.ratio,
      },
      {
        figure: 'same, absolute goal',
        unit: 'jobs/s',
        smartline: t.jobsPerSec,
        goal: { on: 'smartline', atLeast: GOAL_JOBS_PER_S },
      },
      {
        figure: `SOS → admin socket p99 with ${LOW_JOBS} LOW jobs queued`,
        unit: 'ms',
        smartline: result.sosToAdminSocketMs.p99,
      },
    ]);
    const s = result.sosToAdminSocketMs;
    process.stdout.write(
      `notifications.send through the queue: ${t.jobsPerSec} jobs/s vs raw graphile-worker no-op ` +
        `${t.baselineNoopJobsPerSec} jobs/s (ratio ${t.ratio}, medians of ${ROUNDS}); node CPU ${t.cpuMsPerJob} vs ` +
        `${t.baselineCpuMsPerJob} ms/job; goal ${GOAL_JOBS_PER_S} jobs/s\n`,
    );
    process.stdout.write(
      `SOS → admin socket with ${LOW_JOBS} LOW queued: p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, max ` +
        `${s.max} ms; HTTP ack p50/p99 ${s.httpAckP50}/${s.httpAckP99} ms\n`,
    );
    const c = result.sosCriticalPushJobMs;
    process.stdout.write(
      `SOS CRITICAL push job (alert row → sent): p50 ${c.p50} ms, p99 ${c.p99} ms over ${c.sent}; LOW fan-out jobs ` +
        `still queued ${s.lowBacklogAtFirstSos} → ${s.lowBacklogAtLastSos} (CRITICAL overtook them)\n`,
    );
    process.stdout.write(
      `SUMMARY notify: ${t.jobsPerSec} jobs/s (${t.ratio}× raw graphile-worker, goal ${t.jobsPerSec >= GOAL_JOBS_PER_S ? 'met' : 'NOT met'}), SOS→admin socket p99 ${s.p99} ms, CRITICAL push job p99 ${c.p99} ms, over ${s.alerts} alerts with ${s.lowBacklogAtLastSos} LOW jobs still queued\n`,
    );
  } finally {
    await app.http.close();
    for (const s of [schema, `${schema}_jobs`, ...Array.from({ length: ROUNDS }, (_, i) => `${schema}_gw${i}`)])
      await platform.database.pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => {});
    await platform.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
