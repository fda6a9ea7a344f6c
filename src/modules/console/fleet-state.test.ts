/** The live map's diff (issue 19.3): a provider's approved services reach consoles without moving their marker. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetState, servicesMask } from './fleet-state.js';

const driver = {
  driverId: '00000000-0000-4000-8000-000000000001',
  lat: 30.05,
  lng: 31.24,
  heading: null,
  vehicleClass: 'economy',
  available: true,
  at: 1_700_000_000_000,
};

test('a driver whose approved services change is named again under the same key, and only then', () => {
  const state = new FleetState();
  const first = state.apply({ drivers: [driver], trips: [], offered: new Set() });
  assert.deepEqual(first?.n, [[0, driver.driverId, 0, 0]]);
  assert.equal(state.apply({ drivers: [driver], trips: [], offered: new Set() }), null, 'nothing changed');
  const services = new Map([[driver.driverId, servicesMask(['tow', 'battery'])]]);
  const approved = state.apply({ drivers: [driver], trips: [], offered: new Set(), services });
  assert.deepEqual(approved?.n, [[0, driver.driverId, 0, 0b11]]);
  assert.equal(approved?.u, undefined, 'the marker itself did not move or change state');
  assert.deepEqual(state.snapshot().names, [[0, driver.driverId, 0, 0b11]]);
  assert.deepEqual(state.snapshot().services.slice(0, 2), ['tow', 'battery']);
});
