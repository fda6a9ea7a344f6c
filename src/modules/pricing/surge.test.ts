import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cellToLatLng, gridDisk } from 'h3-js';
import { MemoryHotState } from '../../platform/hotstate/index.js';
import { createLogger } from '../../platform/observability/logger.js';
import { SURGE_HOLD_MS, SurgeEngine, surgeCellOf } from './surge.js';

const log = createLogger('silent');
const tahrir = { lat: 30.0444, lng: 31.2357 };
const cell = surgeCellOf(tahrir);
const centreOf = (h3: string) => {
  const [lat, lng] = cellToLatLng(h3);
  return { lat, lng };
};

function setup(opts: { disabled?: boolean } = {}) {
  let clock = Date.UTC(2025, 0, 15, 10, 0, 0);
  const hot = new MemoryHotState({ now: () => clock });
  const surge = new SurgeEngine(hot, () => opts.disabled ?? false, log);
  let n = 0;
  const drivers = async (where: { lat: number; lng: number }, count: number, prefix = 'd') => {
    for (let i = 0; i < count; i++) {
      await hot.upsertDriverPosition({
        driverId: `${prefix}-${n++}`,
        ...where,
        vehicleClass: 'economy',
        available: true,
        at: clock,
      });
    }
  };
  const requests = async (where: { lat: number; lng: number }, count: number) => {
    for (let i = 0; i < count; i++) await surge.recordDemand(where);
  };
  return { hot, surge, drivers, requests, advance: (ms: number) => (clock += ms) };
}

describe('surge per H3 cell', () => {
  test('no demand, no surge', async () => {
    const { surge, drivers } = setup();
    await drivers(tahrir, 3);
    assert.equal(await surge.multiplierAt(tahrir), 1);
  });

  test('demand against supply in the same cell follows the API.md table', async () => {
    const { surge, drivers, requests } = setup();
    await drivers(centreOf(cell), 2);
    await requests(tahrir, 6); // ratio 3 → 1.8
    assert.equal(await surge.multiplierAt(tahrir), 1.8);
  });

  test('unavailable or stale drivers are not supply', async () => {
    const { hot, surge, requests, advance } = setup();
    await hot.upsertDriverPosition({
      driverId: 'off',
      ...centreOf(cell),
      vehicleClass: 'economy',
      available: false,
      at: Date.UTC(2025, 0, 15, 10),
    });
    await requests(tahrir, 3);
    advance(1);
    assert.equal(await surge.multiplierAt(tahrir), 1.8, 'ratio = demand with no supply: 3 → 1.8');
  });

  test('drivers in the neighbouring cells soften a spike (k = 1 smoothing)', async () => {
    const alone = setup();
    await alone.requests(tahrir, 6);
    assert.equal(await alone.surge.multiplierAt(tahrir), 3, 'no supply anywhere: capped at 3.0');

    const helped = setup();
    await helped.requests(tahrir, 6);
    for (const neighbour of gridDisk(cell, 1).filter((c) => c !== cell)) await helped.drivers(centreOf(neighbour), 6);
    // supply = 0 + mean(6 × 6 neighbours) = 6; demand = 6 → ratio 1 → 1.1
    assert.equal(await helped.surge.multiplierAt(tahrir), 1.1);
  });

  test('a raised multiplier is held for 5 minutes after it was last seen', async () => {
    const { surge, drivers, requests, advance } = setup();
    await drivers(centreOf(cell), 2, 'early');
    await requests(tahrir, 6);
    assert.equal(await surge.multiplierAt(tahrir), 1.8);
    advance(60_000);
    await drivers(centreOf(cell), 30, 'late'); // plenty of fresh supply now: computed surge is 1.0
    assert.equal(await surge.multiplierAt(tahrir), 1.8, 'held');
    advance(SURGE_HOLD_MS - 60_000 + 1);
    await drivers(centreOf(cell), 30, 'later');
    assert.equal(await surge.multiplierAt(tahrir), 1, 'hold over');
  });

  test('SURGE_DISABLED prices everything at 1.0', async () => {
    const { surge, requests } = setup({ disabled: true });
    await requests(tahrir, 20);
    assert.equal(await surge.multiplierAt(tahrir), 1);
    const map = await surge.surgeMap(tahrir);
    assert.ok(map.every((c) => c.multiplier === 1));
  });

  test('the surge map covers the caller and two rings around (19 cells)', async () => {
    const { surge, requests } = setup();
    await requests(tahrir, 2);
    const map = await surge.surgeMap(tahrir);
    assert.equal(map.length, 19);
    // 2 requests, no supply: ratio 2 → 1.5. A neighbour sees 0 + 2/6 requests: ratio 0.33 → 1.0.
    assert.equal(map.find((c) => c.h3 === cell)?.multiplier, 1.5);
    assert.equal(map.filter((c) => c.multiplier === 1).length, 18);
  });
});
