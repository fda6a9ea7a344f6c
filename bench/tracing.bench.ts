/**
 * `npm run bench:tracing`: the cost of tracing. The same app and data as
 * bench:api (GET /trips/:id, POST /trips) with tracing off — the baseline —
 * and on without an exporter (spans made for HTTP, pg, ioredis, jobs, log
 * ids, then dropped), each in its own server process (bench/support/api-server.ts),
 * both in this run. Runs alternate off, on, on, off (BENCH_ROUNDS times) so
 * drift on this shared box weighs on both sides equally. Two figures:
 * throughput (on/off of the summed req/s) and server CPU time per request
 * (on/off), the steadier one when other work shares the cores.
 * Goal (issue 9): overhead ≤ 10 %. Results go to results/tracing-node<major>.json
 * (run it with Node 24 first on PATH for the image's runtime).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_DURATION_S (10), BENCH_CONNECTIONS (100), BENCH_ROUNDS (2),
 * BENCH_RIDERS (40000 per server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OVERLOAD_OFF } from '../support/harness.js';
import { TRIP_BODY } from './support/trip-body.js';
import { writeFigures } from './support/figures.js';
import { fmtLoad, runLoad, type LoadResult, type LoadSpec } from './support/run-load.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const RIDERS = Number(process.env.BENCH_RIDERS ?? 40_000);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// One file per Node major: whether AsyncContextFrame (Node 24) makes tracing cheaper is read across them.
const NODE_MAJOR = process.versions.node.split('.')[0];
const RESULTS = resolve(import.meta.dirname, `results/tracing-node${NODE_MAJOR}.json`);
const GOAL = 0.1;
const WARMUP_S = 3;
const ORDER = ['off', 'on', 'on', 'off'] as const;

type Mode = (typeof ORDER)[number];
interface Server {
  mode: Mode;
  child: ChildProcess;
  url: string;
  tripId: string;
  riderToken: string;
  /** Fresh riders for each POST run (a rider may have one active trip). */
  tokenFiles: string[];
}
type Run = LoadResult & { cpuUsPerReq: number };

async function startServer(mode: Mode, postRuns: number): Promise<Server> {
  const schema = `bench_trace_${mode}_${randomBytes(3).toString('hex')}`;
  const tokensFile = join(tmpdir(), `smartline-bench-tokens-${schema}.json`);
  const env = {
    ...process.env,
    // Tracing's cost per request is measured, not shedding: on a loaded box 503s would be counted as cheap requests.
    ...OVERLOAD_OFF,
    BENCH_TRACING: mode,
    BENCH_SCHEMA: schema,
    BENCH_RIDERS: String(RIDERS),
    BENCH_TOKENS_FILE: tokensFile,
    DATABASE_URL,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'support/api-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env,
  });
  const ready = await new Promise<{ url: string; tripId: string; riderToken: string }>((resolveReady, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolveReady(JSON.parse(out.split('\n')[0]!));
    });
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited ${code}`)));
  });
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as string[];
  rmSync(tokensFile, { force: true });
  const per = Math.floor(tokens.length / postRuns);
  const tokenFiles = Array.from({ length: postRuns }, (_, i) => {
    const file = `${tokensFile}.${i}`;
    writeFileSync(file, JSON.stringify(tokens.slice(i * per, (i + 1) * per)));
    return file;
  });
  return { mode, child, tokenFiles, ...ready };
}

function cpuOf(server: Server): Promise<number> {
  return new Promise((resolveCpu) => {
    server.child.once('message', (m) => {
      const usage = m as NodeJS.CpuUsage;
      resolveCpu(usage.user + usage.system);
    });
    server.child.send('cpu');
  });
}

async function stopServer(server: Server) {
  for (const file of server.tokenFiles) rmSync(file, { force: true });
  if (server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

const total = (runs: Run[], key: 'requests' | 'reqPerSec') => runs.reduce((a, r) => a + r[key], 0);
const round3 = (v: number) => Math.round(v * 1000) / 1000;

function side(runs: Run[]) {
  const cpu = runs.reduce((a, r) => a + r.cpuUsPerReq * r.requests, 0) / total(runs, 'requests');
  const avg = (key: 'p50' | 'p99') => Math.round((runs.reduce((a, r) => a + r[key], 0) / runs.length) * 10) / 10;
  return {
    reqPerSec: Math.round(total(runs, 'reqPerSec') / runs.length),
    p50: avg('p50'),
    p99: avg('p99'),
    cpuUsPerReq: Math.round(cpu),
    runs,
  };
}

function summarize(runs: Record<Mode, Run[]>) {
  const off = side(runs.off);
  const on = side(runs.on);
  const throughputRatio = round3(on.reqPerSec / off.reqPerSec);
  const cpuRatio = round3(on.cpuUsPerReq / off.cpuUsPerReq);
  return {
    off,
    on,
    throughputRatio,
    throughputOverhead: round3(1 - throughputRatio),
    cpuRatio,
    cpuOverhead: round3(cpuRatio - 1),
  };
}

async function measure(
  servers: Record<Mode, Server>,
  name: string,
  spec: (s: Server, run: number) => Omit<LoadSpec, 'connections' | 'durationS'>,
) {
  const runs: Record<Mode, Run[]> = { off: [], on: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ORDER) {
      const s = servers[mode];
      const cpu0 = await cpuOf(s);
      const r = await runLoad({ connections: CONNECTIONS, durationS: DURATION_S, ...spec(s, runs[mode].length) });
      const run = { ...r, cpuUsPerReq: Math.round((await cpuOf(s)) - cpu0) / Math.max(1, r.requests) };
      runs[mode].push(run);
      process.stdout.write(
        `${name} tracing ${mode.padEnd(3)} ${fmtLoad(r)}  cpu ${Math.round(run.cpuUsPerReq)} µs/req\n`,
      );
    }
  }
  return summarize(runs);
}

async function main() {
  const loadAtStart = loadavg()[0] ?? 0;
  const postRuns = ROUNDS * 2;
  const started: Server[] = [];
  try {
    for (const mode of ['off', 'on'] as const) started.push(await startServer(mode, postRuns));
    const servers = { off: started[0]!, on: started[1]! };
    process.stdout.write(
      `# ${RIDERS} riders per server; ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} x (${ORDER.join(', ')}), ${cpus().length} cores\n`,
    );
    const getSpec = (s: Server) => ({
      url: s.url,
      method: 'GET' as const,
      path: `/api/v1/trips/${s.tripId}`,
      headers: { authorization: `Bearer ${s.riderToken}` },
    });
    // Warm-up (JIT, pools, caches), not counted.
    for (const s of started) await runLoad({ connections: CONNECTIONS, durationS: WARMUP_S, ...getSpec(s) });
    const getTrip = await measure(servers, 'GET  trip ', getSpec);
    const createTrip = await measure(servers, 'POST trips', (s, run) => ({
      url: s.url,
      method: 'POST',
      path: '/api/v1/trips',
      headers: { 'content-type': 'application/json' },
      body: TRIP_BODY,
      tokensFile: s.tokenFiles[run]!,
    }));
    const results = {
      ranAt: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model,
        node: process.version,
        loadAvg1m: { start: loadAtStart, end: loadavg()[0] },
      },
      settings: {
        connections: CONNECTIONS,
        durationS: DURATION_S,
        rounds: ROUNDS,
        order: ORDER,
        riders: RIDERS,
        exporter: 'none',
        postgres: DATABASE_URL.replace(/:[^:@/]+@/, ':***@'),
      },
      getTrip,
      createTrip,
      goal: { maxOverhead: GOAL },
    };
    writeFigures(`tracing-node${process.versions.node.split('.')[0]}`, [
      ...(
        [
          ['GET /trips/:id', getTrip],
          ['POST /trips', createTrip],
        ] as const
      ).flatMap(([name, r]) => [
        {
          figure: `${name} req/s, tracing on, ${CONNECTIONS} conns`,
          unit: 'req/s',
          smartline: r.on.reqPerSec,
          baselineName: 'tracing off',
          baseline: r.off.reqPerSec,
          goal: { atLeast: 1 - GOAL },
        },
        {
          figure: `${name} CPU per request, tracing on`,
          unit: 'µs',
          smartline: r.on.cpuUsPerReq,
          baselineName: 'tracing off',
          baseline: r.off.cpuUsPerReq,
          goal: { atMost: 1 + GOAL },
        },
      ]),
    ]);
    mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
    const line = (name: string, r: ReturnType<typeof summarize>) =>
      `${name} off ${r.off.reqPerSec} req/s ${r.off.cpuUsPerReq} µs CPU/req, on ${r.on.reqPerSec} req/s ` +
      `${r.on.cpuUsPerReq} µs CPU/req ` +
      `(throughput ratio ${r.throughputRatio} = ${pct(r.throughputOverhead)} overhead; CPU ratio ${r.cpuRatio} = ` +
      `${pct(r.cpuOverhead)})`;
    const worst = Math.max(
      getTrip.throughputOverhead,
      createTrip.throughputOverhead,
      getTrip.cpuOverhead,
      createTrip.cpuOverhead,
    );
    process.stdout.write(
      `ratio on/off: GET ${getTrip.throughputRatio} (CPU ${getTrip.cpuRatio}), POST ${createTrip.throughputRatio} ` +
        `(CPU ${createTrip.cpuRatio})\n`,
    );
    process.stdout.write(
      `SUMMARY tracing: ${line('GET /trips/:id', getTrip)}; ${line('POST /trips', createTrip)}; ` +
        `goal ≤ ${GOAL * 100} % ${worst <= GOAL ? 'met' : 'NOT met'}; ${CONNECTIONS} conns, ${cpus().length} cores, load ${loadAtStart.toFixed(1)} -> ${RESULTS}\n`,
    );
  } finally {
    for (const server of started) await stopServer(server);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
