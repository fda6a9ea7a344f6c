/**
 * Issue 21.7: Redis found through Sentinel. A real `redis-sentinel` on a free port monitors the machine's Redis at
 * 127.0.0.1:6379; the app is configured with the sentinel only and must reach that master (hot state, socket fan-out).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { parseConfig } from '../../src/config.js';
import { createRedisClient } from '../../src/platform/redis-connection.js';
import { startSecondNode, startTestApp, type TestApp } from '../../support/harness.js';
import { eventually, freePort, next } from '../realtime/support.js';

const MASTER = { host: '127.0.0.1', port: 6379 };
/** Each suite's keys go to their own database of the shared Redis (the CI Redis is shared by every suite). */
const DB = 9;

async function skipReason(): Promise<string | false> {
  if (spawnSync('redis-sentinel', ['--version']).error) return 'redis-sentinel not installed: Sentinel suite skipped';
  const probe = new Redis({ ...MASTER, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return false;
  } catch {
    return `no Redis at ${MASTER.host}:${MASTER.port} for the sentinel to monitor: Sentinel suite skipped`;
  } finally {
    probe.disconnect();
  }
}

const skip = await skipReason();
if (skip) console.log(skip);

/** Sentinel rewrites its config file, so it gets its own writable folder. */
async function startSentinel(masterName: string): Promise<{ port: number; child: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sl-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} ${MASTER.host} ${MASTER.port} 1`,
      '',
    ].join('\n'),
  );
  const child = spawn('redis-sentinel', [conf], { stdio: 'ignore' });
  const admin = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50 });
  admin.on('error', () => {});
  try {
    await eventually(async () => {
      const addr = await admin.call('SENTINEL', 'get-master-addr-by-name', masterName).catch(() => null);
      return Array.isArray(addr) && addr[1] === String(MASTER.port);
    }, 10_000);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  } finally {
    admin.disconnect();
  }
  return { port, child, dir };
}

describe('Redis through Sentinel (REDIS_URL=redis+sentinel://…, REDIS_SENTINELS)', { skip }, () => {
  const masterName = `sl-${randomBytes(3).toString('hex')}`;
  let sentinel: Awaited<ReturnType<typeof startSentinel>>;
  let master: Redis;
  let t: TestApp | undefined;

  before(async () => {
    sentinel = await startSentinel(masterName);
    master = new Redis({ ...MASTER, db: DB });
  });

  after(async () => {
    await t?.close();
    sentinel?.child.kill('SIGTERM');
    if (sentinel) rmSync(sentinel.dir, { recursive: true, force: true });
    await master?.quit();
  });

  test('an app given only the sentinel URL keeps hot state on the master and fans socket events across nodes', async () => {
    t = await startTestApp('sentinel', {
      REDIS_URL: `redis+sentinel://127.0.0.1:${sentinel.port}/${masterName}/${DB}`,
    });
    const ready = await t.api('GET', '/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.checks.hotState.adapter, 'redis');
    assert.equal(ready.body.status, 'ok', JSON.stringify(ready.body));

    const driver = await t.driver({ approved: true, available: true });
    await t.platform.hotState.upsertDriverPosition({
      driverId: driver.id,
      lat: 30.0444,
      lng: 31.2357,
      vehicleClass: 'standard',
      available: true,
      at: Date.now(),
    });
    // The position is on the master (db 9) that the sentinel named, under this suite's key namespace.
    const keys = await master.keys(`sl:${t.schema}:*`);
    assert.ok(keys.length > 0, 'the hot state wrote to the master found through the sentinel');

    const nodeB = await startSecondNode(t);
    try {
      await nodeB.app.http.listen({ port: 0, host: '127.0.0.1' });
      const address = nodeB.app.http.server.address() as { port: number };
      const rider = await t.signup('rider');
      const { io } = await import('socket.io-client');
      const onB = io(`http://127.0.0.1:${address.port}`, {
        transports: ['websocket'],
        auth: { token: rider.accessToken },
        reconnection: false,
      });
      try {
        await next(onB, 'connect');
        let received: { text: string } | undefined;
        onB.on('notification', (payload: { text: string }) => (received = payload));
        // Emitted on node A: reaches the socket on node B only through the Redis adapter on the sentinel's master.
        await eventually(
          () => {
            if (!received) t!.platform.realtime.toUser(rider.id, 'notification', { text: 'through sentinel' });
            return received;
          },
          5_000,
          250,
        );
        assert.equal(received?.text, 'through sentinel');
      } finally {
        onB.disconnect();
      }
    } finally {
      await nodeB.close();
    }
  });

  test('REDIS_SENTINELS + REDIS_MASTER_NAME reach the same master', async () => {
    const config = parseConfig({
      NODE_ENV: 'test',
      REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`,
      REDIS_MASTER_NAME: masterName,
    });
    assert.equal(config.redis?.kind, 'sentinel');
    const client = createRedisClient(config.redis!, { db: DB });
    try {
      const key = `sl:sentinel-test:${randomBytes(4).toString('hex')}`;
      await client.set(key, 'via sentinel', 'PX', 10_000);
      assert.equal(await master.get(key), 'via sentinel');
    } finally {
      client.disconnect();
    }
  });
});
