import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFix, distanceToSegmentM, STOP_RADIUS_M, type TripShape, type WatchState } from './ride-checks.js';

const limits = { stopMs: 5 * 60_000, stopRadiusM: STOP_RADIUS_M, deviationM: 1_000, speedLimitMps: 120 / 3.6 };
const trip: TripShape = {
  status: 'started',
  pickup: { lat: 30.0444, lng: 31.2357 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
};
const T0 = 1_700_000_000_000;

describe('ride safety checks', () => {
  test('distance to the pickup→dropoff segment', () => {
    assert.ok(distanceToSegmentM(trip.pickup, trip.pickup, trip.dropoff) < 1);
    // 0.02° of latitude east of the corridor ≈ 1.9 km away
    const off = distanceToSegmentM({ lat: 30.0535, lng: 31.2627 }, trip.pickup, trip.dropoff);
    assert.ok(off > 1_500 && off < 2_500, `off by ${off}`);
  });

  test('standing still for more than 5 minutes mid-trip is reported, not before', () => {
    const state: WatchState = {};
    const p = { lat: 30.05, lng: 31.24, speed: 0 };
    assert.deepEqual(checkFix(state, { ...p, at: T0 }, trip, limits), []);
    assert.deepEqual(checkFix(state, { ...p, lat: 30.05001, at: T0 + 4 * 60_000 }, trip, limits), []);
    const found = checkFix(state, { ...p, at: T0 + 5 * 60_000 + 1_000 }, trip, limits);
    assert.deepEqual(
      found.map((f) => f.kind),
      ['stopped'],
    );
  });

  test('moving resets the stop clock', () => {
    const state: WatchState = {};
    checkFix(state, { lat: 30.05, lng: 31.24, speed: 0, at: T0 }, trip, limits);
    checkFix(state, { lat: 30.052, lng: 31.241, speed: 5, at: T0 + 3 * 60_000 }, trip, limits);
    assert.deepEqual(checkFix(state, { lat: 30.052, lng: 31.241, speed: 0, at: T0 + 6 * 60_000 }, trip, limits), []);
  });

  test('over 120 km/h, reported or derived from two fixes', () => {
    assert.deepEqual(
      checkFix({}, { lat: 30.05, lng: 31.24, speed: 35, at: T0 }, trip, limits).map((f) => f.kind),
      ['speeding'],
    );
    const state: WatchState = {};
    checkFix(state, { lat: 30.05, lng: 31.24, speed: null, at: T0 }, trip, limits);
    // ~370 m in 10 s ≈ 133 km/h
    const found = checkFix(state, { lat: 30.0533, lng: 31.24, speed: null, at: T0 + 10_000 }, trip, limits);
    assert.deepEqual(
      found.map((f) => f.kind),
      ['speeding'],
    );
  });

  test('off the corridor only counts mid-trip', () => {
    const far = { lat: 30.0535, lng: 31.2627, speed: 10, at: T0 };
    assert.deepEqual(
      checkFix({}, far, trip, limits).map((f) => f.kind),
      ['off_route'],
    );
    assert.deepEqual(checkFix({}, far, { ...trip, status: 'accepted' }, limits), []);
  });

  test('out-of-order fixes are ignored', () => {
    const state: WatchState = {};
    checkFix(state, { lat: 30.05, lng: 31.24, speed: 0, at: T0 + 10_000 }, trip, limits);
    assert.deepEqual(checkFix(state, { lat: 30.05, lng: 31.24, speed: 50, at: T0 }, trip, limits), []);
  });
});
