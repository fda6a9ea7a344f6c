/**
 * `npm run bench:all [-- --full] [-- --only api,ledger]`: runs every bench one
 * after the other (each in its own process, so one cannot slow the next) and
 * writes bench/results/summary.md, one row per figure in the shared format of
 * bench/support/figures.ts. Quick mode (default) shrinks each bench's knobs so
 * the whole run stays under ~10 minutes on the 2-core box; --full runs the
 * benches with their own defaults (the figures a stop's note quotes).
 * A bench that fails or writes no figures is listed under the table; the run
 * goes on with the next one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FIGURES_DIR, renderTable, type FigureFile } from './support/figures.js';

interface BenchRun {
  name: string;
  /** Figure files it writes (default: [name]). */
  figures?: string[];
  quick: Record<string, string>;
  args?: { quick: string[]; full: string[] };
}

/** Quick knobs: the same code paths and baselines, fewer seconds and smaller fleets. */
const BENCHES: BenchRun[] = [
  { name: 'api', quick: { BENCH_DURATION_S: '5', BENCH_RIDERS: '15000' } },
  { name: 'driver', quick: { BENCH_DURATION_S: '5' } },
  { name: 'ledger', quick: { BENCH_SECONDS: '4' } },
  {
    name: 'location',
    quick: { BENCH_CLIENTS: '4000', BENCH_INTERVALS_S: '2', BENCH_DURATION_S: '5', BENCH_ROUNDS: '1' },
  },
  { name: 'dispatch', quick: { BENCH_DRIVERS: '2000', BENCH_REQUESTS: '60' } },
  { name: 'nearby', quick: { BENCH_DRIVERS: '20000', BENCH_QUERIES: '500', BENCH_PG_QUERIES: '50' } },
  { name: 'nearby-watch', quick: { BENCH_WATCHERS: '500', BENCH_DRIVERS: '4000', BENCH_TICKS: '5' } },
  { name: 'sockets', quick: { BENCH_CONNECTIONS: '1000', BENCH_SETTLE_MS: '1000' } },
  { name: 'notify', quick: { BENCH_JOBS: '1000', BENCH_ROUNDS: '1', BENCH_LOW_JOBS: '2000', BENCH_SOS: '10' } },
  { name: 'overload', quick: { BENCH_DURATION_S: '4' } },
  { name: 'sos', quick: { BENCH_LOAD_S: '40', BENCH_TRIP_RIDERS: '6000' } },
  {
    name: 'tracing',
    figures: [`tracing-node${process.versions.node.split('.')[0]}`],
    quick: { BENCH_DURATION_S: '4', BENCH_ROUNDS: '1', BENCH_RIDERS: '10000' },
  },
  { name: 'transition-push', quick: { BENCH_PAIRS: '10', BENCH_ROUNDS: '1' } },
  { name: 'demo', quick: {} },
  // 2,000 deliveries as in full mode: a 500-job drain took ~70 ms on the raw side, within a few of the bench's 20 ms
  // polls, and read 0.26-0.29 where 2,000 read 0.55-0.66 on the same code. 200 timed transitions per side: with 60
  // the p99 was the single slowest request.
  { name: 'webhooks', quick: { BENCH_TRIPS: '50', BENCH_ROUNDS: '2' } },
  {
    name: 'assign',
    quick: {},
    args: { quick: ['--minutes', '12', '--warmup', '5', '--speed', '20', '--loads', '0.9'], full: [] },
  },
];

const SUMMARY = resolve(import.meta.dirname, 'results/summary.md');
/**
 * A quick run's bench that takes longer than this is stopped (and reported as failed): under a load average of 30
 * one bench's set-up alone can take minutes, and a stuck one must not eat the whole run.
 */
const QUICK_TIMEOUT_MS = 300_000;

function run(bench: BenchRun, full: boolean): Promise<number | null> {
  const script = resolve(import.meta.dirname, `${bench.name}.bench.ts`);
  const args = full ? (bench.args?.full ?? []) : (bench.args?.quick ?? []);
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      // Its own process group: a stopped bench takes its load generators and servers with it.
      detached: true,
      env: { ...process.env, ...(full ? {} : bench.quick), BENCH_MODE: full ? 'full' : 'quick' },
    });
    const stop = () => child.pid && process.kill(-child.pid, 'SIGTERM');
    const timer = full ? undefined : setTimeout(stop, QUICK_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

function freshFigures(name: string, since: number): FigureFile | undefined {
  const path = resolve(FIGURES_DIR, `${name}.json`);
  if (!existsSync(path)) return undefined;
  const file = JSON.parse(readFileSync(path, 'utf8')) as FigureFile;
  return Date.parse(file.ranAt) >= since ? file : undefined;
}

async function main() {
  const { values } = parseArgs({
    options: { full: { type: 'boolean', default: false }, only: { type: 'string' } },
  });
  const only = values.only?.split(',');
  const selected = BENCHES.filter((b) => !only || only.includes(b.name));
  const started = Date.now();
  const loadAtStart = loadavg().map((l) => l.toFixed(2));
  const files: FigureFile[] = [];
  const missing: string[] = [];
  for (const bench of selected) {
    const t0 = Date.now();
    process.stdout.write(`\n## bench:${bench.name} (${values.full ? 'full' : 'quick'})\n`);
    const code = await run(bench, values.full);
    const got = (bench.figures ?? [bench.name]).map((n) => freshFigures(n, t0));
    got.forEach((f) => f && files.push(f));
    const seconds = Math.round((Date.now() - t0) / 1000);
    if (code !== 0 || got.some((f) => !f)) missing.push(`${bench.name} (exit ${code}, ${seconds} s)`);
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const md = [
    `# Bench summary (${values.full ? 'full' : 'quick'} mode)`,
    '',
    `Run ${new Date(started).toISOString()}, ${minutes} min; load average at start ${loadAtStart.join(' / ')}, ` +
      `at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}. Ratios are against a baseline measured in the same run; absolute numbers ` +
      'depend on the box and its load.',
    '',
    renderTable(files),
    '',
    missing.length ? `Failed or wrote no figures: ${missing.join(', ')}.` : 'Every bench wrote its figures.',
    '',
  ].join('\n');
  if (!only) {
    mkdirSync(resolve(SUMMARY, '..'), { recursive: true });
    writeFileSync(SUMMARY, md);
  }
  process.stdout.write(`\n${md}${only ? '(--only: summary.md not rewritten)\n' : `-> ${SUMMARY}\n`}`);
  process.exit(missing.length ? 1 : 0);
}

void main();
