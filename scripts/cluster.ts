/**
 * `npm run cluster -- --nodes 3`: docker-compose.yml's shape on this machine, without Docker, for trying
 * multi-node behaviour, tests and benches. Migrates once, then starts N API nodes (`serve`) on consecutive ports
 * and one `worker`, all sharing one Postgres (DATABASE_URL, or the embedded one started here) and one Redis
 * (REDIS_URL: required, the nodes meet there), behind a small load balancer (scripts/cluster-balancer.ts).
 * Prints the URLs; Ctrl-C or SIGTERM stops every child and waits for them.
 *
 * Options: --nodes N (2), --port P (the balancer; default PORT, 3000), --api-port P (the first node; default
 * --port + 1; the worker's probe port follows the last node).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { persistDevSecrets } from '../src/dev-secrets.js';
import { createProcessLogger } from '../src/platform/observability/logger.js';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';
import { ensureConsoleBuilt } from '../src/modules/console/index.js';
import { startBalancer, type Balancer } from './cluster-balancer.js';

const ROOT = resolve(import.meta.dirname, '..');
const MAX_NODES = 16;
/** Beyond each node's own drain budget (SHUTDOWN_TIMEOUT_MS), before a child that hangs is killed. */
const KILL_GRACE_MS = 5_000;
const READY_TIMEOUT_MS = 180_000;

interface Child {
  name: string;
  url: string;
  process: ChildProcess;
}

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function readOptions(config: Config) {
  const { values } = parseArgs({
    options: { nodes: { type: 'string', default: '2' }, port: { type: 'string' }, 'api-port': { type: 'string' } },
  });
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) fail(`--nodes takes 1..${MAX_NODES}`, 2);
  const port = values.port === undefined ? config.PORT : Number(values.port);
  const apiPort = values['api-port'] === undefined ? port + 1 : Number(values['api-port']);
  if (![port, apiPort].every((p) => Number.isInteger(p) && p > 0 && p + nodes < 65_536)) fail('bad port', 2);
  return { nodes, port, apiPort };
}

/** Each child's lines, prefixed with its name (`api-2 | …`), so N interleaved logs stay readable. */
function prefixLines(stream: NodeJS.ReadableStream, name: string, out: NodeJS.WritableStream) {
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) out.write(`${name.padEnd(8)} | ${line}\n`);
  });
}

function startChild(name: string, role: string, env: NodeJS.ProcessEnv, port?: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role], {
    cwd: ROOT,
    env: { ...env, NODE_ID: name, ...(port ? { PORT: String(port), HOST: '127.0.0.1' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(child.stdout!, name, process.stdout);
  prefixLines(child.stderr!, name, process.stderr);
  return { name, url: port ? `http://localhost:${port}` : '', process: child };
}

async function waitStarted(child: Child): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited with code ${child.process.exitCode}`);
    const ok = await fetch(`${child.url}/health/startup`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${child.name} did not start within ${READY_TIMEOUT_MS / 1000} s`);
}

/** SIGTERM, then SIGKILL after the drain budget: resolves once the process is gone. */
async function stopChild(child: Child, budgetMs: number): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = once(child.process, 'exit');
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), budgetMs + KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function printBanner(opts: { balancer: Balancer; apis: Child[]; worker: Child; database: string; redis: string }) {
  const row = (name: string, what: string) => `  ${name.padEnd(14)} ${what}`;
  const lines = [
    '',
    `SmartLine cluster: ${opts.apis.length} API nodes + 1 worker; Postgres ${opts.database}, Redis ${opts.redis}`,
    row('load balancer', `${opts.balancer.url}  (HTTP and websockets, round robin over ready nodes)`),
    ...opts.apis.map((c) => row(c.name, `${c.url}  (pid ${c.process.pid})`)),
    row(opts.worker.name, `${opts.worker.url}/health/ready  (jobs; probes only, pid ${opts.worker.process.pid})`),
    `  console        ${opts.balancer.url}/console/   API reference ${opts.balancer.url}/api/docs`,
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/** The config, options and shared database of the run; refuses to start without Redis. */
async function prepare() {
  let config: Config;
  try {
    config = persistDevSecrets(loadConfig()).config;
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const options = readOptions(config);
  if (!config.redis)
    fail(
      'npm run cluster needs Redis: its nodes share hot state, rate limits and socket fan-out through it.\n' +
        'Start one (redis-server) and set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379 npm run cluster',
      2,
    );
  const log = createProcessLogger(config, { role: 'cluster' });
  const embedded = config.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT, log });
  // One build before the nodes start: N nodes building console/dist at once would overwrite each other.
  await ensureConsoleBuilt(log, { production: config.isProduction });
  // Children inherit the environment (secrets, flags) plus the database they share; dev secrets are in DATA_DIR.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: embedded?.url ?? config.DATABASE_URL };
  // Their stdout is a pipe to this process: pretty lines only if this one is in a terminal.
  if (process.stdout.isTTY && config.LOG_PRETTY === 'auto') env.LOG_PRETTY = 'true';
  return { config, options, embedded, env, redis: config.redis.kind === 'sentinel' ? 'via Sentinel' : 'REDIS_URL' };
}

async function main() {
  const { config, options, embedded, env, redis } = await prepare();
  const run: { children: Child[]; balancer?: Balancer; stopping?: Promise<void> } = { children: [] };
  const stopAll = (code: number) =>
    (run.stopping ??= (async () => {
      process.stdout.write('cluster: stopping every node\n');
      await run.balancer?.close();
      await Promise.all(run.children.map((c) => stopChild(c, config.SHUTDOWN_TIMEOUT_MS)));
      await embedded?.stop();
      process.stdout.write('cluster: stopped\n');
      process.exit(code);
    })());
  process.on('SIGINT', () => void stopAll(0)).on('SIGTERM', () => void stopAll(0));

  const migrate = startChild('migrate', 'migrate', env);
  run.children.push(migrate);
  const [migrated] = (await once(migrate.process, 'exit')) as [number | null];
  if (migrated !== 0) return stopAll(1);
  const apis = Array.from({ length: options.nodes }, (_, i) =>
    startChild(`api-${i + 1}`, 'serve', env, options.apiPort + i),
  );
  const worker = startChild('worker-1', 'worker', env, options.apiPort + options.nodes);
  run.children.push(...apis, worker);
  for (const child of [...apis, worker])
    child.process.once('exit', (code, signal) => {
      if (!run.stopping) process.stderr.write(`cluster: ${child.name} exited (${signal ?? code}); the others go on\n`);
    });
  try {
    await Promise.all([...apis, worker].map(waitStarted));
  } catch (err) {
    process.stderr.write(`cluster: ${err instanceof Error ? err.message : String(err)}\n`);
    return stopAll(1);
  }
  run.balancer = await startBalancer({ port: options.port, host: config.HOST, targets: apis.map((c) => c.url) });
  const database = embedded ? `embedded (${config.EMBEDDED_PG_DIR})` : 'DATABASE_URL';
  printBanner({ balancer: run.balancer, apis, worker, database, redis });
}

main().catch((err: unknown) => fail(`cluster failed: ${err instanceof Error ? err.stack : String(err)}`));
