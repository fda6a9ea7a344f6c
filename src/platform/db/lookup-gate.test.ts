import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../observability/logger.js';
import { LookupGate } from './lookup-gate.js';

const log = createLogger('silent');

describe('look-up gate', () => {
  test('a fleet missing at once costs one fetch per batch of distinct keys, not one per driver', async () => {
    const fetches: string[][] = [];
    const loader = new LookupGate(2, log, 100).loader('test', async (keys) => {
      fetches.push(keys);
      return new Map(keys.filter((k) => k !== 'd7').map((k) => [k, k.toUpperCase()]));
    });
    const asked = Array.from({ length: 250 }, (_, i) => `d${i % 240}`); // ten drivers ask twice
    const answers = await Promise.all(asked.map((k) => loader.load(k)));
    assert.deepEqual(
      fetches.map((f) => f.length),
      [100, 100, 40],
    );
    assert.equal(new Set(fetches.flat()).size, 240);
    assert.equal(answers[3], 'D3');
    assert.equal(answers[243], 'D3');
    assert.equal(answers[7], undefined); // not found is an answer, not an error
  });

  test('at most `max` fetches run at once', async () => {
    let running = 0;
    let peak = 0;
    const loader = new LookupGate(2, log, 10).loader('test', async (keys) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return new Map(keys.map((k) => [k, 1]));
    });
    await Promise.all(Array.from({ length: 95 }, (_, i) => loader.load(`k${i}`)));
    assert.equal(peak, 2);
  });

  test('a failed fetch rejects its whole batch; the next ask fetches again', async () => {
    let fail = true;
    const loader = new LookupGate(1, log).loader('test', async (keys) => {
      if (fail) throw new Error('pool timeout');
      return new Map(keys.map((k) => [k, 'ok']));
    });
    const results = await Promise.allSettled([loader.load('a'), loader.load('b')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    assert.equal(await loader.load('a'), 'ok');
  });
});
