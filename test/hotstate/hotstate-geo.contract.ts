/** The geo index part of the HotState contract (hotstate.contract.ts): nearest drivers, filters, edge coordinates. */
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { HotState, NearbyDriver, NearestDriversQuery } from '../../src/platform/hotstate/index.js';
import { TAHRIR, bruteForceNearest, driver, offset, randomFleet, randomQuery, seededRandom } from './geo-fixtures.js';

const FRESH = 60_000; // API.md: /location/nearby shows drivers fresher than 60 s

const ids = (rows: NearbyDriver[]) => rows.map((r) => r.driverId);
const near = (extra: Partial<NearestDriversQuery> = {}): NearestDriversQuery => ({
  ...TAHRIR,
  radiusM: 3_000,
  limit: 10,
  freshWithinMs: FRESH,
  ...extra,
});

export function geoIndexCases(instance: () => HotState): void {
  let hs: HotState;
  beforeEach(() => {
    hs = instance();
  });

  test('returns drivers nearest first and cuts at the radius', async () => {
    await hs.upsertDriverPosition(driver('far', offset(TAHRIR, 2_900, 0)));
    await hs.upsertDriverPosition(driver('mid', offset(TAHRIR, 0, 1_200)));
    await hs.upsertDriverPosition(driver('close', offset(TAHRIR, -150, 0)));
    await hs.upsertDriverPosition(driver('outside', offset(TAHRIR, 0, -3_100)));
    const rows = await hs.findNearestDrivers(near());
    assert.deepEqual(ids(rows), ['close', 'mid', 'far']);
    assert.ok(Math.abs(rows[0]!.distanceM - 150) < 2, `close is ~150 m, got ${rows[0]!.distanceM}`);
    assert.ok(rows.every((r, i) => i === 0 || r.distanceM >= rows[i - 1]!.distanceM));
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ limit: 2 }))), ['close', 'mid']);
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ radiusM: 1_000 }))), ['close']);
    assert.deepEqual(await hs.findNearestDrivers(near({ limit: 0 })), []);
  });

  test('returns the stored fields of each driver', async () => {
    const at = Date.now() - 1_000;
    const p = offset(TAHRIR, 100, 100);
    await hs.upsertDriverPosition(driver('a', p, { heading: 271.5, vehicleClass: 'comfort', at }));
    const [row] = await hs.findNearestDrivers(near());
    assert.deepEqual(
      { ...row, distanceM: 0 },
      { driverId: 'a', lat: p.lat, lng: p.lng, heading: 271.5, vehicleClass: 'comfort', distanceM: 0, at },
    );
    assert.deepEqual(await hs.getDriverPosition('a'), {
      driverId: 'a',
      lat: p.lat,
      lng: p.lng,
      heading: 271.5,
      vehicleClass: 'comfort',
      available: true,
      at,
    });
    assert.equal(await hs.getDriverPosition('nobody'), null);
  });

  test('lists every driver with its stored fields (the console map)', async () => {
    assert.deepEqual(await hs.listDriverPositions(), []);
    await hs.upsertDriverPosition(driver('a', TAHRIR, { at: 1_000 }));
    await hs.upsertDriverPosition(driver('b', offset(TAHRIR, 5_000, 0), { available: false, vehicleClass: 'comfort' }));
    await hs.removeDriver('gone');
    const all = (await hs.listDriverPositions()).sort((x, y) => x.driverId.localeCompare(y.driverId));
    assert.deepEqual(
      all.map((d) => [d.driverId, d.available, d.vehicleClass]),
      [
        ['a', true, 'economy'],
        ['b', false, 'comfort'],
      ],
    );
    await hs.removeDriver('a');
    assert.deepEqual(
      (await hs.listDriverPositions()).map((d) => d.driverId),
      ['b'],
    );
  });

  test('filters by vehicle class', async () => {
    await hs.upsertDriverPosition(driver('eco', offset(TAHRIR, 100, 0), { vehicleClass: 'economy' }));
    await hs.upsertDriverPosition(driver('prem', offset(TAHRIR, 200, 0), { vehicleClass: 'premium' }));
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ vehicleClass: 'premium' }))), ['prem']);
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ vehicleClass: 'economy' }))), ['eco']);
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ vehicleClass: 'xl' }))), []);
    assert.deepEqual(ids(await hs.findNearestDrivers(near())), ['eco', 'prem']);
  });

  test('leaves out positions older than freshWithinMs', async () => {
    const now = Date.now();
    await hs.upsertDriverPosition(driver('stale', offset(TAHRIR, 50, 0), { at: now - 2 * FRESH }));
    await hs.upsertDriverPosition(driver('fresh', offset(TAHRIR, 500, 0), { at: now - 5_000 }));
    assert.deepEqual(ids(await hs.findNearestDrivers(near())), ['fresh']);
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ freshWithinMs: 3 * FRESH }))), ['stale', 'fresh']);
  });

  test('leaves out unavailable drivers only when onlyAvailable', async () => {
    await hs.upsertDriverPosition(driver('busy', offset(TAHRIR, 50, 0), { available: false }));
    await hs.upsertDriverPosition(driver('free', offset(TAHRIR, 500, 0)));
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ onlyAvailable: true }))), ['free']);
    assert.deepEqual(ids(await hs.findNearestDrivers(near())), ['busy', 'free']);
    await hs.setDriverAvailability('busy', true);
    await hs.setDriverAvailability('free', false);
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ onlyAvailable: true }))), ['busy']);
    assert.equal((await hs.getDriverPosition('free'))?.available, false);
  });

  test('setDriverAvailability does not invent an unknown driver', async () => {
    await hs.setDriverAvailability('ghost', true);
    assert.equal(await hs.getDriverPosition('ghost'), null);
    assert.deepEqual(await hs.findNearestDrivers(near()), []);
  });

  test('skips excludeIds', async () => {
    for (const [id, m] of [
      ['a', 100],
      ['b', 200],
      ['c', 300],
    ] as const)
      await hs.upsertDriverPosition(driver(id, offset(TAHRIR, m, 0)));
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ excludeIds: ['a', 'c'] }))), ['b']);
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ excludeIds: ['a'], limit: 1 }))), ['b']);
  });

  test('removeDriver takes a driver out of every query', async () => {
    await hs.upsertDriverPosition(driver('gone', offset(TAHRIR, 100, 0), { vehicleClass: 'comfort' }));
    await hs.upsertDriverPosition(driver('stays', offset(TAHRIR, 200, 0)));
    await hs.removeDriver('gone');
    await hs.removeDriver('never-existed');
    assert.deepEqual(ids(await hs.findNearestDrivers(near())), ['stays']);
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ vehicleClass: 'comfort' }))), []);
    assert.equal(await hs.getDriverPosition('gone'), null);
  });

  test('an upsert moves a driver: the old position and class are gone', async () => {
    await hs.upsertDriverPosition(driver('mover', offset(TAHRIR, 100, 0), { vehicleClass: 'economy' }));
    const there = offset(TAHRIR, 10_000, 10_000);
    await hs.upsertDriverPosition(driver('mover', there, { vehicleClass: 'comfort', heading: 90 }));
    assert.deepEqual(await hs.findNearestDrivers(near()), []);
    assert.deepEqual(ids(await hs.findNearestDrivers(near({ ...there, vehicleClass: 'comfort' }))), ['mover']);
    assert.deepEqual(await hs.findNearestDrivers(near({ ...there, vehicleClass: 'economy' })), []);
    const pos = await hs.getDriverPosition('mover');
    assert.deepEqual([pos?.lat, pos?.lng, pos?.heading, pos?.vehicleClass], [there.lat, there.lng, 90, 'comfort']);
  });

  test('works across the antimeridian and at high latitude', async () => {
    await hs.upsertDriverPosition(driver('east', { lat: 0, lng: 179.9985 }));
    await hs.upsertDriverPosition(driver('west', { lat: 0, lng: -179.998 }));
    await hs.upsertDriverPosition(driver('line', { lat: 0.0005, lng: 180 }));
    const rows = await hs.findNearestDrivers({
      lat: 0,
      lng: -179.9995,
      radiusM: 1_000,
      limit: 5,
      freshWithinMs: FRESH,
    });
    assert.deepEqual(ids(rows), ['line', 'west', 'east']);
    for (const lng of [180, -180]) {
      const onTheLine = await hs.findNearestDrivers({ lat: 0, lng, radiusM: 1_000, limit: 5, freshWithinMs: FRESH });
      assert.deepEqual(ids(onTheLine), ['line', 'east', 'west'], `query at lng ${lng}`);
    }
    assert.equal((await hs.getDriverPosition('line'))?.lng, 180);
    await hs.upsertDriverPosition(driver('north', { lat: 84.9, lng: 10 }));
    const polar = await hs.findNearestDrivers({ lat: 84.9, lng: 12, radiusM: 50_000, limit: 5, freshWithinMs: FRESH });
    assert.deepEqual(ids(polar), ['north']);
  });

  test('rejects coordinates the index cannot hold', async () => {
    await assert.rejects(hs.upsertDriverPosition(driver('x', { lat: 86, lng: 0 })), RangeError);
    await assert.rejects(hs.upsertDriverPosition(driver('x', { lat: 0, lng: Number.NaN })), RangeError);
    await assert.rejects(hs.findNearestDrivers(near({ lat: -91 })), RangeError);
  });

  test('2,000 random drivers: every query equals a brute-force haversine scan', async () => {
    const rand = seededRandom(20_240_601);
    const now = Date.now();
    const fleet = randomFleet(rand, 2_000, TAHRIR, 0.1, now);
    await Promise.all(fleet.map((d) => hs.upsertDriverPosition(d)));
    for (let i = 0; i < 40; i++) {
      const q = randomQuery(rand, TAHRIR, 0.1, fleet);
      const got = await hs.findNearestDrivers(q);
      const want = bruteForceNearest(fleet, q, now);
      assert.deepEqual(ids(got), ids(want), `query #${i} ${JSON.stringify(q)}`);
      got.forEach((g, j) => assert.ok(Math.abs(g.distanceM - want[j]!.distanceM) < 1e-6, `distance of ${g.driverId}`));
    }
  });
}
