import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryHotState, createHotState } from '../../src/platform/hotstate/index.js';
import { TAHRIR, bruteForceNearest, driver, offset, randomFleet, randomQuery, seededRandom } from './geo-fixtures.js';
import { runHotStateContract } from './hotstate.contract.js';

runHotStateContract('memory', async () => new MemoryHotState());

describe('MemoryHotState specifics', () => {
  test('createHotState without a Redis URL is the memory adapter', async () => {
    const hs = createHotState();
    assert.deepEqual(hs.health(), { ok: true, adapter: 'memory' });
    await hs.close();
    assert.equal(hs.health().ok, false);
  });

  test('the sweep reclaims expired keys nobody reads again', async () => {
    let now = 1_000_000;
    const hs = new MemoryHotState({ now: () => now });
    await hs.touchPresence('p', 100);
    await hs.setValue('v', 'x', 100);
    await hs.setValue('kept', 'x');
    await hs.incrementWindowCounter('c', 100);
    now += 101;
    hs.sweep();
    // Internal sizes are not part of the port; observe them through the stores the sweep should empty.
    const internals = hs as unknown as {
      presence: { size: number };
      values: { size: number };
      counters: { size: number };
    };
    assert.deepEqual([internals.presence.size, internals.values.size, internals.counters.size], [0, 1, 0]);
    await hs.close();
  });

  /**
   * With few drivers a wide query scans everything; `fillerAtAntipode` adds
   * drivers no query can reach so the ring search (and its antimeridian and
   * high-latitude edges) is what gets compared instead.
   */
  async function compareWithBruteForceWorldwide(
    seed: number,
    scenarios: number,
    fillerAtAntipode: number,
    maxRadiusFactor: number,
  ) {
    const rand = seededRandom(seed);
    const wrap = (lng: number) => ((((lng + 180) % 360) + 360) % 360) - 180;
    const clampLat = (lat: number) => Math.max(-85, Math.min(85, lat));
    for (let scenario = 0; scenario < scenarios; scenario++) {
      const hs = new MemoryHotState();
      const centre = { lat: (rand() * 2 - 1) * 84, lng: (rand() * 2 - 1) * 180 };
      const spread = 0.01 + rand() * 3;
      const now = Date.now();
      const fleet = randomFleet(rand, 300, centre, spread, now).map((d) => ({
        ...d,
        lat: clampLat(d.lat),
        lng: wrap(d.lng),
      }));
      for (const d of fleet) await hs.upsertDriverPosition(d);
      const antipode = { lat: -centre.lat, lng: wrap(centre.lng + 180) };
      for (let i = 0; i < fillerAtAntipode; i++)
        await hs.upsertDriverPosition(driver(`far${i}`, offset(antipode, rand() * 1e4, rand() * 1e4)));
      for (let i = 0; i < 10; i++) {
        const q = randomQuery(rand, centre, spread, fleet);
        const wide = {
          ...q,
          lat: clampLat(q.lat),
          lng: wrap(q.lng),
          radiusM: q.radiusM * (1 + rand() * maxRadiusFactor),
        };
        const got = (await hs.findNearestDrivers(wide)).map((r) => r.driverId);
        assert.deepEqual(
          got,
          bruteForceNearest(fleet, wide, now).map((r) => r.driverId),
          `seed ${seed} scenario ${scenario} query ${i}`,
        );
      }
      await hs.close();
    }
  }

  test('anywhere on the map, wide radii (full scan path) equal brute force', async () => {
    await compareWithBruteForceWorldwide(42, 40, 0, 30);
  });

  test('anywhere on the map, dense index (ring path) equals brute force', async () => {
    await compareWithBruteForceWorldwide(43, 20, 10_000, 2);
  });

  // City scale (Greater Cairo, ~45 × 45 km): dense cells and many stale, busy or
  // other-class drivers in every ring. Speed is bench:nearby's business; here only the answer counts.
  test('100k drivers: nearest 10 within 3 km equals a brute-force scan', async () => {
    // The index answers at a fixed clock: under load the run outlasts the 60 s freshness window it checks.
    const now = Date.now();
    const hs = new MemoryHotState({ now: () => now });
    const rand = seededRandom(7);
    const fleet = randomFleet(rand, 100_000, TAHRIR, 0.2, now);
    for (const d of fleet) await hs.upsertDriverPosition(d);
    assert.equal(hs.driverCount, 100_000);
    for (let i = 0; i < 100; i++) {
      const q = {
        lat: TAHRIR.lat + (rand() - 0.5) * 0.3,
        lng: TAHRIR.lng + (rand() - 0.5) * 0.3,
        radiusM: 3_000,
        limit: 10,
        freshWithinMs: 60_000,
        onlyAvailable: true,
      };
      const got = (await hs.findNearestDrivers(q)).map((r) => r.driverId);
      assert.equal(got.length, 10, `query ${i}: a full answer in a dense city`);
      assert.deepEqual(
        got,
        bruteForceNearest(fleet, q, now).map((r) => r.driverId),
        `query ${i}`,
      );
    }
    await hs.close();
  });
});
