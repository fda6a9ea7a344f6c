import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { haversineMeters } from '../../shared/index.js';
import { estimateRoute } from './route-estimate.js';

const tahrir = { lat: 30.0444, lng: 31.2357 };
const pyramids = { lat: 29.9792, lng: 31.1342 };

describe('haversineMeters', () => {
  test('one degree of latitude is about 111.2 km', () => {
    assert.ok(Math.abs(haversineMeters({ lat: 0, lng: 0 }, { lat: 1, lng: 0 }) - 111_195) < 1);
  });

  test('same point is zero and distance is symmetric', () => {
    assert.equal(haversineMeters(tahrir, tahrir), 0);
    assert.equal(haversineMeters(tahrir, pyramids), haversineMeters(pyramids, tahrir));
  });

  test('Tahrir Square to the Giza pyramids is about 12.5 km in a straight line', () => {
    const d = haversineMeters(tahrir, pyramids);
    assert.ok(d > 12_000 && d < 13_000, `got ${d}`);
  });
});

describe('estimateRoute', () => {
  test('straight line × 1.3 at 25 km/h', () => {
    const route = estimateRoute({ lat: 0, lng: 0 }, { lat: 1, lng: 0 });
    const straightKm = haversineMeters({ lat: 0, lng: 0 }, { lat: 1, lng: 0 }) / 1000;
    assert.ok(Math.abs(route.distanceKmExact - straightKm * 1.3) < 1e-9);
    assert.ok(Math.abs(route.durationMinExact - (straightKm * 1.3 * 60) / 25) < 1e-9);
  });

  test('display figures are whole metres and seconds of the exact values', () => {
    const route = estimateRoute(tahrir, pyramids);
    assert.ok(Number.isInteger(route.distanceM) && Number.isInteger(route.durationS));
    assert.equal(route.distanceM, Math.round(route.distanceKmExact * 1000));
    assert.equal(route.durationS, Math.round(route.durationMinExact * 60));
  });

  test('zero-length trip', () => {
    assert.deepEqual(estimateRoute(tahrir, tahrir), {
      distanceM: 0,
      durationS: 0,
      distanceKmExact: 0,
      durationMinExact: 0,
    });
  });
});
