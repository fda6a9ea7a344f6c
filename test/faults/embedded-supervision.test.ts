/**
 * The embedded Postgres is supervised: a start cleans up after a crashed run,
 * refuses (clearly) a port held by a stranger, and a postmaster that dies
 * under the running node is restarted, or the node is told to give up.
 * Every test runs its own real embedded Postgres on a spare port.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../../src/platform/db/embedded.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { startTestApp } from '../../support/harness.js';
import { TRIP_BODY, eventually } from '../support/fixtures.js';

/** From kill -9 of the postmaster to requests succeeding again (backoff ≤ 1 s per try here). */
const RECOVERY_MS = 20_000;

async function sparePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function postmasterPid(dir: string): number {
  return Number(readFileSync(resolve(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** Alive and not a zombie (an orphan's zombie lingers when nobody reaps it). */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').length > 0;
  } catch {
    return false;
  }
}

/** Live processes working in `dir` (a dead postmaster's backends), by their /proc entries. */
function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(resolve(dir)) && isRunning(Number(pid))) {
        found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
      }
    } catch {
      // exited while we looked
    }
  }
  return found;
}

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

class LogCapture extends Writable {
  lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

/** A node (child process) that starts embedded Postgres on dir/port; resolves once it is ready. */
async function startNodeWithEmbedded(dir: string, port: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/embedded-child.ts', dir, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.once('exit', (code) => fail(new Error(`child exited (${code}) before Postgres was ready`)));
  });
  return child;
}

describe('embedded postgres supervision', () => {
  const dirs: string[] = [];
  const handles: EmbeddedHandle[] = [];
  const newDir = () => {
    const dir = `.data/embed-sup-${randomBytes(4).toString('hex')}`;
    dirs.push(dir);
    return dir;
  };
  after(async () => {
    for (const h of handles) await h.stop().catch(() => {});
    for (const dir of dirs) {
      if (existsSync(dir)) chmodSync(dir, 0o700); // the give-up test locked its data dir
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    'a Postgres left running by a node killed with -9 is stopped, and the next start on that dir and port ' +
      'succeeds',
    async () => {
      const dir = newDir();
      const port = await sparePort();
      const child = await startNodeWithEmbedded(dir, port);
      const orphan = postmasterPid(dir);
      child.kill('SIGKILL');
      await new Promise((exited) => child.once('exit', exited));
      assert.ok(isRunning(orphan), 'precondition: the crashed node left its postmaster running');

      const pgHandle = await startEmbeddedPostgres({ dir, port });
      handles.push(pgHandle);
      assert.equal(await selectOne(pgHandle.url), 1);
      assert.notEqual(postmasterPid(dir), orphan, 'a new postmaster serves the dir');
      assert.equal(isRunning(orphan), false, 'the leftover was stopped');
    },
  );

  test(
    'a foreign process on the port is refused with a message that names the port, the data dir and the way ' + 'out',
    async () => {
      const dir = newDir();
      const port = await sparePort();
      const stranger: Server = createServer();
      await new Promise<void>((listening) => stranger.listen(port, '127.0.0.1', listening));
      try {
        await assert.rejects(startEmbeddedPostgres({ dir, port }), (err: Error) => {
          assert.match(err.message, new RegExp(`port ${port}\\b`));
          assert.ok(err.message.includes(resolve(dir)), err.message);
          assert.match(err.message, /another process/);
          assert.match(err.message, /EMBEDDED_PG_PORT/);
          assert.doesNotMatch(err.message, /undefined/);
          return true;
        });
      } finally {
        await new Promise((closed) => stranger.close(closed));
      }
    },
  );

  test(
    'a postmaster killed with -9 under a running app is restarted: requests succeed again and readiness is ' + 'ok',
    async (t) => {
      const dir = newDir();
      const port = await sparePort();
      const logs = new LogCapture();
      const pgHandle = await startEmbeddedPostgres({
        dir,
        port,
        log: createLogger('info', {}, logs),
        restart: { baseMs: 200, maxMs: 1_000, attempts: 8 },
      });
      handles.push(pgHandle);
      const app = await startTestApp('embed_sup', { DATABASE_URL: pgHandle.url });
      t.after(() => app.close());
      const rider = await app.signup('rider');
      const killed = postmasterPid(dir);

      process.kill(killed, 'SIGKILL');
      const started = performance.now();
      const back = await eventually(
        async () => {
          const res = await app.api('GET', '/api/v1/me', { token: rider.accessToken });
          return res.status === 200 && res;
        },
        RECOVERY_MS,
        200,
      );
      const recoveredMs = Math.round(performance.now() - started);
      const tries = logs.lines.filter((l) => /restart/.test(String(l.msg)));
      t.diagnostic(
        `requests succeed again ${recoveredMs} ms after kill -9 of the postmaster; ${tries.map((l) => `${l.time} ${l.msg} ${l.err ?? ''}`).join(' | ')}`,
      );

      assert.equal(back.body.data.id, rider.id);
      assert.notEqual(postmasterPid(dir), killed, 'a new postmaster');
      const ready = await app.api('GET', '/health/ready');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.status, 'ok');
      assert.equal(
        (await app.api('POST', '/api/v1/trips', { token: rider.accessToken, body: TRIP_BODY })).status,
        201,
        'writes work again',
      );
    },
  );

  test(
    'a postmaster that cannot come back is retried a bounded number of times, with growing waits, then onGiveUp ' +
      'is called once',
    async (t) => {
      const dir = newDir();
      const port = await sparePort();
      const logs = new LogCapture();
      const gaveUp: Error[] = [];
      const pgHandle = await startEmbeddedPostgres({
        dir,
        port,
        log: createLogger('info', {}, logs),
        restart: { attempts: 3, baseMs: 200, maxMs: 2_000 },
        onGiveUp: (err) => gaveUp.push(err),
      });
      handles.push(pgHandle);

      chmodSync(dir, 0o000); // the data dir becomes unusable: Postgres cannot even enter it
      process.kill(postmasterPid(dir), 'SIGKILL');
      await eventually(async () => gaveUp.length > 0, 15_000, 50);
      await new Promise((wait) => setTimeout(wait, 1_500)); // nothing more happens after giving up

      assert.equal(gaveUp.length, 1);
      // A backend left behind (the autovacuum launcher loops on the unreadable dir) would hold this process's pipes.
      assert.deepEqual(processesIn(dir), [], 'nothing of the dead server runs on');
      assert.match(gaveUp[0]!.message, /did not come back after 3 restarts/);
      assert.ok(gaveUp[0]!.message.includes(resolve(dir)), gaveUp[0]!.message);
      assert.doesNotMatch(gaveUp[0]!.message, /undefined/);
      const failures = logs.lines.filter((l) => l.msg === 'embedded postgres restart failed');
      assert.equal(failures.length, 3, 'exactly the configured number of restarts');
      t.diagnostic(`restart failures: ${failures.map((l) => l.err).join(' | ')}`);
      // The third wait is at least half of 200 × 2² ms (jittered): without backoff the tries would follow at once.
      const times = failures.map((l) => Date.parse(String(l.time)));
      assert.ok(times[2]! - times[1]! >= 400, `waits grow: failures at ${times.join(', ')}`);
    },
  );

  test('the node (npm start) exits non-zero when its embedded Postgres dies for good', async (t) => {
    const dir = newDir();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      EMBEDDED_PG_DIR: dir,
      EMBEDDED_PG_PORT: String(await sparePort()),
      PORT: String(await sparePort()),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL; // the embedded one, as `npm start` without configuration
    delete env.REDIS_URL;
    const node = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    node.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    node.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => node.once('exit', (code) => done(code)));
    t.after(() => node.kill('SIGKILL'));
    await eventually(async () => output.includes('smartline started'), 120_000, 200);

    chmodSync(dir, 0o000);
    process.kill(postmasterPid(dir), 'SIGKILL');
    // Default policy: 5 restarts, waits doubling from ≤ 0.5 s to ≤ 8 s, then the shutdown budget.
    const stillRunning = new Promise((never) => setTimeout(() => never('still running'), 60_000).unref());
    const code = await Promise.race([exited, stillRunning]);
    assert.equal(code, 1, output.slice(-2_000));
    assert.match(output, /did not come back; giving up/);
  });
});
