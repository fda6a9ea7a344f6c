import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  FailoverHotState,
  MemoryHotState,
  RedisHotState,
  withMemoryFallback,
} from '../../src/platform/hotstate/index.js';
import { TAHRIR, driver, offset } from './geo-fixtures.js';
import { runHotStateContract } from './hotstate.contract.js';

// Tests may read the environment: the Redis-backed run needs an explicitly named server.
const REDIS_URL = process.env.REDIS_URL;

if (REDIS_URL) {
  const prefix = `sl-test:failover:${randomUUID()}:`;
  let n = 0;
  // Healthy shared adapter: the wrapper must be invisible.
  runHotStateContract(
    'redis',
    async () => new FailoverHotState(new RedisHotState({ redis: REDIS_URL, keyPrefix: `${prefix}${n++}:` })),
  );
} else {
  console.log('REDIS_URL not set: failover contract run against Redis skipped');
}

describe('FailoverHotState with Redis unreachable', () => {
  test('every operation answers from memory and health reports the shared adapter down', async () => {
    const hs = new FailoverHotState(
      new RedisHotState({ redis: 'redis://127.0.0.1:1', keyPrefix: 'sl-test:failover-down:' }),
    );
    await hs.upsertDriverPosition(driver('d1', offset(TAHRIR, 100, 0)));
    const rows = await hs.findNearestDrivers({ ...TAHRIR, radiusM: 1_000, limit: 5, freshWithinMs: 60_000 });
    assert.deepEqual(
      rows.map((r) => r.driverId),
      ['d1'],
    );
    assert.equal(await hs.increment('seq'), 1);
    assert.equal(await hs.increment('seq'), 2);
    await hs.appendToList('log', 'x', { maxLength: 3 });
    assert.deepEqual(await hs.readList('log'), ['x']);
    assert.equal(await hs.setIfAbsent('lock', 'a', 1_000), true);
    assert.deepEqual(hs.health(), { ok: false, adapter: 'redis' });
    await hs.close();
  });

  test('the memory adapter is used as is', async () => {
    const memory = new MemoryHotState();
    assert.equal(withMemoryFallback(memory), memory);
    await memory.close();
  });
});
