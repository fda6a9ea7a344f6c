import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HotState, HotStateAdapter } from '../../src/platform/hotstate/index.js';
import { geoIndexCases } from './hotstate-geo.contract.js';

export type HotStateFactory = () => Promise<HotState>;

const SHORT_TTL = 150;
const PAST_TTL = 350; // comfortably past SHORT_TTL on a loaded CI box

/** The behaviour every HotState adapter must show; each test gets a fresh, empty instance. */
export function runHotStateContract(name: HotStateAdapter, factory: HotStateFactory): void {
  describe(`HotState contract: ${name}`, () => {
    let current: HotState;
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current.close();
    });
    describe('geo index', () => geoIndexCases(() => current));
    describe('presence, counters and values', () => keyValueCases(() => current));
    describe('sequences and capped lists', () => sequenceCases(() => current));
    test('health names the adapter', async () => {
      await current.getValue('warm-up'); // a lazily connecting adapter is ready after its first command
      assert.deepEqual(current.health(), { ok: true, adapter: name });
    });
  });
}

function keyValueCases(instance: () => HotState): void {
  let hs: HotState;
  beforeEach(() => {
    hs = instance();
  });

  test('presence expires after its TTL and a touch renews it', async () => {
    // Longer than SHORT_TTL: the renewal is read 0.6 TTL after the second touch, and at load ~5 a 90 ms sleep
    // overran by the 60 ms that was left (a Node 24 + Redis CI run). 240 ms of slack here.
    const ttl = 600;
    await hs.touchPresence('driver:1', ttl);
    assert.equal(await hs.isPresent('driver:1'), true);
    assert.equal(await hs.isPresent('driver:2'), false);
    await sleep(ttl * 0.6);
    await hs.touchPresence('driver:1', ttl);
    await sleep(ttl * 0.6);
    assert.equal(await hs.isPresent('driver:1'), true, 'renewed by the second touch');
    await sleep(ttl + PAST_TTL - SHORT_TTL);
    assert.equal(await hs.isPresent('driver:1'), false);
  });

  test('presence and values are separate keyspaces', async () => {
    await hs.touchPresence('same', 5_000);
    assert.equal(await hs.getValue('same'), null);
    await hs.setValue('other', 'v');
    assert.equal(await hs.isPresent('other'), false);
  });

  test('window counters count events in the window, per key, and expire', async () => {
    assert.equal(await hs.readWindowCounter('cell:a', SHORT_TTL), 0);
    assert.equal(await hs.incrementWindowCounter('cell:a', SHORT_TTL), 1);
    assert.equal(await hs.incrementWindowCounter('cell:a', SHORT_TTL), 2);
    assert.equal(await hs.incrementWindowCounter('cell:b', SHORT_TTL), 1);
    assert.equal(await hs.readWindowCounter('cell:a', SHORT_TTL), 2);
    await sleep(PAST_TTL);
    assert.equal(await hs.readWindowCounter('cell:a', SHORT_TTL), 0);
    assert.equal(await hs.incrementWindowCounter('cell:a', SHORT_TTL), 1);
  });

  test('window counters slide: old events leave while new ones stay', async () => {
    const window = 400;
    await hs.incrementWindowCounter('slide', window);
    await sleep(250);
    await hs.incrementWindowCounter('slide', window);
    assert.equal(await hs.readWindowCounter('slide', window), 2);
    await sleep(250); // first event now ~500 ms old, second ~250 ms
    assert.equal(await hs.readWindowCounter('slide', window), 1);
  });

  test('concurrent increments are all counted', async () => {
    const counts = await Promise.all(Array.from({ length: 50 }, () => hs.incrementWindowCounter('burst', 60_000)));
    assert.deepEqual(
      [...counts].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.equal(await hs.readWindowCounter('burst', 60_000), 50);
  });

  test('values: set, get, delete, TTL', async () => {
    assert.equal(await hs.getValue('k'), null);
    await hs.setValue('k', 'v1');
    await hs.setValue('t', 'short', SHORT_TTL);
    assert.equal(await hs.getValue('k'), 'v1');
    assert.equal(await hs.getValue('t'), 'short');
    await hs.setValue('k', 'v2');
    assert.equal(await hs.getValue('k'), 'v2');
    await sleep(PAST_TTL);
    assert.equal(await hs.getValue('t'), null);
    assert.equal(await hs.getValue('k'), 'v2', 'no TTL means it stays');
    await hs.deleteValue('k');
    assert.equal(await hs.getValue('k'), null);
  });

  test('setIfAbsent: of 20 concurrent callers exactly one wins, until the TTL lapses', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => hs.setIfAbsent('lock:trip-1', `w${i}`, SHORT_TTL)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await hs.getValue('lock:trip-1'), `w${results.indexOf(true)}`);
    assert.equal(await hs.setIfAbsent('lock:trip-1', 'late', SHORT_TTL), false);
    await sleep(PAST_TTL);
    assert.equal(await hs.setIfAbsent('lock:trip-1', 'next', SHORT_TTL), true);
  });
}

function sequenceCases(instance: () => HotState): void {
  let hs: HotState;
  beforeEach(() => {
    hs = instance();
  });

  test('increment counts from 1 per key and getValue reads the number', async () => {
    assert.equal(await hs.increment('seq:a'), 1);
    assert.equal(await hs.increment('seq:a'), 2);
    assert.equal(await hs.increment('seq:b'), 1);
    assert.equal(await hs.getValue('seq:a'), '2');
    await hs.setValue('seq:c', '41');
    assert.equal(await hs.increment('seq:c'), 42);
  });

  test('increment: 50 concurrent callers each get a different number', async () => {
    const got = await Promise.all(Array.from({ length: 50 }, () => hs.increment('seq:burst', 60_000)));
    assert.deepEqual(
      [...got].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  test('increment with a TTL restarts from 1 once it lapses; without one it keeps the expiry', async () => {
    assert.equal(await hs.increment('seq:t', SHORT_TTL), 1);
    assert.equal(await hs.increment('seq:t'), 2, 'no TTL given: the existing one is kept');
    await sleep(PAST_TTL);
    assert.equal(await hs.getValue('seq:t'), null);
    assert.equal(await hs.increment('seq:t', SHORT_TTL), 1);
  });

  test('lists keep the newest maxLength items, oldest first', async () => {
    assert.deepEqual(await hs.readList('log:a'), []);
    for (let i = 1; i <= 7; i++) await hs.appendToList('log:a', `e${i}`, { maxLength: 5 });
    assert.deepEqual(await hs.readList('log:a'), ['e3', 'e4', 'e5', 'e6', 'e7']);
    await hs.appendToList('log:b', 'x', { maxLength: 5 });
    assert.deepEqual(await hs.readList('log:b'), ['x']);
  });

  test('lists expire after their TTL, and each append restarts it', async () => {
    const ttl = 600; // longer than SHORT_TTL: the renewal check must survive a loaded box's timer drift
    await hs.appendToList('log:t', 'first', { maxLength: 10, ttlMs: ttl });
    await sleep(ttl * 0.6);
    await hs.appendToList('log:t', 'second', { maxLength: 10, ttlMs: ttl });
    await sleep(ttl * 0.6);
    assert.deepEqual(await hs.readList('log:t'), ['first', 'second'], 'renewed by the second append');
    await sleep(ttl + 200);
    assert.deepEqual(await hs.readList('log:t'), []);
  });

  test('lists are their own keyspace', async () => {
    await hs.appendToList('same', 'item', { maxLength: 3 });
    assert.equal(await hs.getValue('same'), null);
    await hs.setValue('other', 'v');
    assert.deepEqual(await hs.readList('other'), []);
  });

  test('concurrent appends all land (up to maxLength)', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => hs.appendToList('log:burst', String(i), { maxLength: 100 })),
    );
    assert.deepEqual(
      (await hs.readList('log:burst')).map(Number).sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, i) => i),
    );
  });
}
