import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisHotState, createHotState } from '../../src/platform/hotstate/index.js';
import { TAHRIR, driver, offset } from './geo-fixtures.js';
import { runHotStateContract } from './hotstate.contract.js';

// Tests may read the environment (src/ may not): the suite only runs against an explicitly named server.
const REDIS_URL = process.env.REDIS_URL;

/** Host and port only: a URL may carry a password that must not reach test output. */
function describeServer(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/** Why the suite cannot run, or null when the server answers PING. */
async function skipReason(url: string | undefined): Promise<string | null> {
  if (!url) return 'REDIS_URL not set: Redis contract suite skipped';
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: Error | undefined; // the socket error (ECONNREFUSED…) says more than connect()'s "Connection is closed"
  probe.on('error', (err: Error) => (cause ??= err));
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (err) {
    return (
      `Redis at ${describeServer(url)} not reachable (${(cause ?? (err as Error)).message}): Redis contract ` +
      `suite skipped`
    );
  } finally {
    probe.disconnect();
  }
}

async function deleteKeys(client: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of client.scanStream({ match: `${prefix}*`, count: 500 })) {
    const batch = keys as string[];
    if (batch.length > 0) deleted += await client.unlink(...batch);
  }
  return deleted;
}

const reason = await skipReason(REDIS_URL);

if (reason !== null || REDIS_URL === undefined) {
  console.log(reason);
  test('Redis HotState contract', { skip: reason ?? 'REDIS_URL not set: Redis contract suite skipped' }, () => {});
} else {
  const url = REDIS_URL;
  // One prefix per run (and a sub-prefix per test) so parallel runs and reruns never share keys.
  const runPrefix = `sl-test:${randomUUID()}:`;
  const admin = new Redis(url);
  let instance = 0;

  after(async () => {
    const left = await deleteKeys(admin, runPrefix);
    console.log(`cleaned ${left} test keys under ${runPrefix}`);
    assert.equal(await deleteKeys(admin, runPrefix), 0);
    await admin.quit();
  });

  runHotStateContract('redis', async () => new RedisHotState({ redis: url, keyPrefix: `${runPrefix}${instance++}:` }));

  describe('RedisHotState specifics', () => {
    test('createHotState with a URL is the redis adapter, under its key prefix', async () => {
      const prefix = `${runPrefix}factory:`;
      const hs = createHotState({ redis: { kind: 'server', url }, keyPrefix: prefix });
      await hs.setValue('k', 'v');
      assert.deepEqual(hs.health(), { ok: true, adapter: 'redis' });
      assert.equal(await admin.get(`${prefix}kv:k`), 'v');
      await hs.close();
    });

    test('a shared client is left open on close', async () => {
      const shared = new Redis(url);
      const hs = new RedisHotState({ redis: shared, keyPrefix: `${runPrefix}shared:` });
      await hs.touchPresence('p', 1_000);
      await hs.close();
      assert.equal(await shared.ping(), 'PONG');
      await shared.quit();
    });

    test('a driver stays findable after many stale neighbours force wider searches', async () => {
      const hs = new RedisHotState({ redis: url, keyPrefix: `${runPrefix}widen:` });
      const old = Date.now() - 10 * 60_000;
      await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          hs.upsertDriverPosition(driver(`stale${i}`, offset(TAHRIR, i, 0), { at: old })),
        ),
      );
      await hs.upsertDriverPosition(driver('fresh', offset(TAHRIR, 900, 0)));
      const rows = await hs.findNearestDrivers({ ...TAHRIR, radiusM: 3_000, limit: 1, freshWithinMs: 60_000 });
      assert.deepEqual(
        rows.map((r) => r.driverId),
        ['fresh'],
      );
      await hs.close();
    });
  });
}

describe('RedisHotState when Redis is down', () => {
  test('reports unhealthy and rejects calls instead of hanging or crashing', async () => {
    // Port 1 is reserved and refuses connections; no server is needed for this test.
    const hs = new RedisHotState({ redis: 'redis://127.0.0.1:1', keyPrefix: 'sl-test:down:' });
    assert.deepEqual(hs.health(), { ok: false, adapter: 'redis' });
    await assert.rejects(hs.getValue('k'));
    await assert.rejects(hs.findNearestDrivers({ ...TAHRIR, radiusM: 1_000, limit: 5, freshWithinMs: 60_000 }));
    assert.equal(hs.health().ok, false);
    await hs.close();
  });
});
