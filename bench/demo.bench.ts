/**
 * `npm run bench:demo` (issue 21's newcomer figure): time from `npm run demo` on a fresh data directory
 * (as on a fresh clone: the embedded Postgres is initialised, migrated, the city signed up) to a dispatcher's
 * console in headless Chromium showing a driver that moved. Baseline in the same run: `npm start` on its own
 * fresh data directory to `/health/ready`, what any first start costs before the demo adds its city.
 *
 * Env: CHROMIUM_PATH (default /usr/bin/chromium). Prints both times and their ratio; figures to
 * bench/results/figures/demo.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { browserSkipReason, launchBrowser, signIn } from '../support/console-browser.js';
import { writeFigures } from './support/figures.js';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const DEADLINE_MS = 10 * 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** A fresh data directory and ports, so each start pays what a fresh clone pays (initdb included). */
async function freshEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'ADMIN_PHONE', 'ADMIN_PASSWORD']) delete env[key];
  return {
    ...env,
    DATA_DIR: dir,
    EMBEDDED_PG_DIR: join(dir, 'pg'),
    OBJECTS_DIR: join(dir, 'objects'),
    EMBEDDED_PG_PORT: String(await freePort()),
    PORT: String(await freePort()),
  };
}

function start(script: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(TSX, script, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill(signal);
  await Promise.race([exited, sleep(60_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, startedAt: number): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() - startedAt > DEADLINE_MS) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** `npm start` (src/main.ts all) on a fresh directory → /health/ready answers 200; ms. */
async function startToReady(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'smartline-start-'));
  const env = await freshEnv(dir);
  const startedAt = performance.now();
  const { child } = start(['src/main.ts', 'all'], env);
  try {
    await until(
      'ready',
      async () => ((await fetch(`http://127.0.0.1:${env.PORT}/health/ready`)).ok ? true : undefined),
      startedAt,
    );
    return Math.round(performance.now() - startedAt);
  } finally {
    await stop(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

type Positions = Record<string, [number, number]>;

/** The console's own marker model: driverId → [lat, lng]. */
const readMarkers = `(() => {
  const model = globalThis.fleetModel;
  if (!model) return {};
  return Object.fromEntries([...model.markers.values()].map((m) => [m.driverId, [m.lat, m.lng]]));
})()`;

function someoneMoved(first: Positions, now: Positions): boolean {
  return Object.entries(now).some(([id, [lat, lng]]) => first[id] && (first[id][0] !== lat || first[id][1] !== lng));
}

/** `npm run demo` on a fresh directory → the printed welcome, then a driver moving on the dispatcher's map; ms. */
async function demoToMovingDriver(): Promise<{ welcomeMs: number; movingMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'smartline-demo-'));
  const startedAt = performance.now();
  const { child, output } = start(['sim/demo.ts'], await freshEnv(dir));
  const browser = await launchBrowser();
  try {
    const welcome = await until('the welcome', async () => welcomeIn(output()), startedAt);
    const welcomeMs = Math.round(performance.now() - startedAt);
    const { page } = await browser.page();
    page.setDefaultTimeout(DEADLINE_MS); // a first start on a loaded box is slow to serve the console too
    await signIn(page, welcome.url, { phone: welcome.phone }, welcome.password);
    const first: Positions = {};
    await until(
      'a moving driver',
      async () => {
        const now = (await page.evaluate(readMarkers)) as Positions;
        for (const [id, position] of Object.entries(now)) first[id] ??= position;
        return someoneMoved(first, now) ? true : undefined;
      },
      startedAt,
    );
    return { welcomeMs, movingMs: Math.round(performance.now() - startedAt) };
  } finally {
    await browser.close();
    await stop(child, 'SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The demo's printed console URL and dispatcher login. */
function welcomeIn(text: string): { url: string; phone: string; password: string } | undefined {
  const url = /SmartLine demo running at (\S+)/.exec(text)?.[1];
  const login = /dispatcher\s+(\+\d+) \/ (\S+)/.exec(text);
  return url && login ? { url, phone: login[1]!, password: login[2]! } : undefined;
}

async function main() {
  if (browserSkipReason) throw new Error(`bench:demo needs Chromium: ${browserSkipReason}`);
  const readyMs = await startToReady();
  process.stdout.write(`npm start, fresh data directory → ready: ${readyMs} ms\n`);
  const demo = await demoToMovingDriver();
  process.stdout.write(`npm run demo, fresh data directory → welcome printed: ${demo.welcomeMs} ms\n`);
  process.stdout.write(`npm run demo, fresh data directory → a driver moving on the console: ${demo.movingMs} ms\n`);
  process.stdout.write(`ratio demo→moving / start→ready: ${(demo.movingMs / readyMs).toFixed(2)}\n`);
  writeFigures('demo', [
    {
      figure: 'npm run demo → a driver moving on the console (fresh data dir)',
      unit: 'ms',
      smartline: demo.movingMs,
      baselineName: 'npm start → ready (fresh data dir)',
      baseline: readyMs,
      goal: { on: 'smartline', atMost: 5 * 60_000 },
    },
  ]);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
