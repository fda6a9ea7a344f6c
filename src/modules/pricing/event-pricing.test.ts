import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { eventMultiplier, isInArea, scheduleMultiplier, type PricingEvent } from './event-pricing.js';
import { DEFAULT_TIME_WINDOWS } from './tariff.js';

const stadium = { lat: 30.0691, lng: 31.3124 }; // Cairo International Stadium
const tahrir = { lat: 30.0444, lng: 31.2357 };
const match: PricingEvent = {
  id: 'e1',
  name: 'Derby',
  area: { kind: 'circle', center: stadium, radiusM: 1_500 },
  startsAt: new Date('2025-01-15T16:00:00Z'),
  endsAt: new Date('2025-01-15T20:00:00Z'),
  multiplier: 1.5,
};
const downtown: PricingEvent = {
  id: 'e2',
  name: 'Festival',
  area: { kind: 'bbox', minLat: 30.03, minLng: 31.22, maxLat: 30.06, maxLng: 31.25 },
  startsAt: new Date('2025-01-15T00:00:00Z'),
  endsAt: new Date('2025-01-16T00:00:00Z'),
  multiplier: 1.15,
};

describe('event pricing', () => {
  test('circle and bounding-box areas', () => {
    assert.ok(isInArea({ lat: 30.075, lng: 31.3124 }, match.area)); // ~650 m north
    assert.ok(!isInArea({ lat: 30.09, lng: 31.3124 }, match.area)); // ~2.3 km
    assert.ok(isInArea(tahrir, downtown.area));
    assert.ok(!isInArea(stadium, downtown.area));
  });

  test('applies only inside its time window [start, end)', () => {
    assert.equal(eventMultiplier(stadium, new Date('2025-01-15T15:59:59Z'), [match]), undefined);
    assert.equal(eventMultiplier(stadium, new Date('2025-01-15T16:00:00Z'), [match]), 1.5);
    assert.equal(eventMultiplier(stadium, new Date('2025-01-15T20:00:00Z'), [match]), undefined);
  });

  test('overlapping events: the highest applies', () => {
    const both: PricingEvent = {
      ...downtown,
      id: 'e3',
      area: { kind: 'circle', center: stadium, radiusM: 5_000 },
      multiplier: 1.8,
    };
    assert.equal(eventMultiplier(stadium, new Date('2025-01-15T17:00:00Z'), [match, both]), 1.8);
  });

  test('an event competes with the time windows, it does not stack on them', () => {
    // 17:30Z is 19:30 in Cairo (evening peak 1.3): the 1.5 event wins, not 1.3 × 1.5.
    const at = new Date('2025-01-15T17:30:00Z');
    assert.equal(scheduleMultiplier({ at, pickup: stadium, windows: DEFAULT_TIME_WINDOWS, events: [match] }), 1.5);
    // The 1.15 festival is lower than the 1.3 peak: the peak applies.
    assert.equal(scheduleMultiplier({ at, pickup: tahrir, windows: DEFAULT_TIME_WINDOWS, events: [downtown] }), 1.3);
    // Outside the area only the windows count.
    assert.equal(scheduleMultiplier({ at, pickup: tahrir, windows: DEFAULT_TIME_WINDOWS, events: [match] }), 1.3);
  });
});
