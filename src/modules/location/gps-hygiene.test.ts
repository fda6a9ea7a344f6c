import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hygieneDrop } from './gps-hygiene.js';

const RULES = { maxAccuracyM: 100, maxSpeedKmh: 250, flagAfter: 5 };
const CAIRO = { lat: 30.0444, lng: 31.2357, at: 1_000_000 };
const fix = (over: Partial<{ lat: number; lng: number; accuracy: number | null; isMock: boolean; at: number }>) => ({
  ...CAIRO,
  accuracy: null,
  isMock: false,
  ...over,
});

test('a move faster than 250 km/h from the last accepted fix is an impossible jump; slower is fine', () => {
  // 0.01° of latitude ≈ 1 112 m: in 10 s that is ≈ 400 km/h, in 20 s ≈ 200 km/h.
  assert.equal(hygieneDrop(fix({ lat: CAIRO.lat + 0.01, at: CAIRO.at + 10_000 }), CAIRO, RULES), 'speed');
  assert.equal(hygieneDrop(fix({ lat: CAIRO.lat + 0.01, at: CAIRO.at + 20_000 }), CAIRO, RULES), null);
  assert.equal(hygieneDrop(fix({ lat: CAIRO.lat + 0.5, at: CAIRO.at + 2_000 }), null, RULES), null, 'no anchor yet');
});

test('mock reports and accuracy worse than the bound are dropped whatever the distance', () => {
  assert.equal(hygieneDrop(fix({ isMock: true, at: CAIRO.at + 5_000 }), CAIRO, RULES), 'mock');
  assert.equal(hygieneDrop(fix({ accuracy: 100.5, at: CAIRO.at + 5_000 }), CAIRO, RULES), 'accuracy');
  assert.equal(hygieneDrop(fix({ accuracy: 100, at: CAIRO.at + 5_000 }), CAIRO, RULES), null);
});
