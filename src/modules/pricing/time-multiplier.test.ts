import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { timeMultiplier, cairoLocalTime } from './time-multiplier.js';
import { DEFAULT_TIME_WINDOWS } from './tariff.js';

// January 2025: Cairo is UTC+2 (no DST). 2025-01-15 is a Wednesday, 2025-01-17 a Friday.
const at = (iso: string): number => timeMultiplier(new Date(iso), DEFAULT_TIME_WINDOWS);

describe('timeMultiplier with the default windows', () => {
  test('weekday morning peak is [07:00, 09:00)', () => {
    assert.equal(at('2025-01-15T04:59:00Z'), 1.0); // 06:59
    assert.equal(at('2025-01-15T05:00:00Z'), 1.2); // 07:00
    assert.equal(at('2025-01-15T06:30:00Z'), 1.2); // 08:30
    assert.equal(at('2025-01-15T06:59:00Z'), 1.2); // 08:59
    assert.equal(at('2025-01-15T07:00:00Z'), 1.0); // 09:00
  });

  test('evening peak 17–20', () => {
    assert.equal(at('2025-01-15T15:00:00Z'), 1.3); // 17:00
    assert.equal(at('2025-01-15T17:59:00Z'), 1.3); // 19:59
    assert.equal(at('2025-01-15T18:00:00Z'), 1.0); // 20:00 Wednesday
  });

  test('night window wraps midnight: 23:00..04:59', () => {
    assert.equal(at('2025-01-15T20:59:00Z'), 1.0); // 22:59
    assert.equal(at('2025-01-15T21:30:00Z'), 1.1); // 23:30
    assert.equal(at('2025-01-15T22:00:00Z'), 1.1); // 00:00 Thursday
    assert.equal(at('2025-01-16T02:59:00Z'), 1.1); // 04:59
    assert.equal(at('2025-01-16T03:00:00Z'), 1.0); // 05:00
  });

  test('Friday 20–23 window', () => {
    assert.equal(at('2025-01-17T17:30:00Z'), 1.3); // Fri 19:30, ordinary evening peak
    assert.equal(at('2025-01-17T18:30:00Z'), 1.4); // Fri 20:30
    assert.equal(at('2025-01-17T20:59:00Z'), 1.4); // Fri 22:59
    assert.equal(at('2025-01-17T21:00:00Z'), 1.1); // Fri 23:00, night window
  });

  test('uses Cairo summer time, not a fixed +02:00', () => {
    // July 2025: Egypt observes DST (UTC+3). 06:00Z is 09:00 in Cairo, outside the morning peak;
    // a hard-coded +2 would read 08:00 and charge 1.2.
    assert.deepEqual(cairoLocalTime(new Date('2025-07-10T06:00:00Z')), { weekday: 4, hour: 9 });
    assert.equal(at('2025-07-10T06:00:00Z'), 1.0);
    assert.equal(at('2025-07-10T05:30:00Z'), 1.2); // 08:30
  });
});

describe('timeMultiplier rules', () => {
  test('no windows means 1.0', () => {
    assert.equal(timeMultiplier(new Date('2025-01-15T06:30:00Z'), []), 1.0);
  });

  test('overlapping windows do not stack: the highest applies', () => {
    const windows = [
      { startHour: 8, endHour: 10, multiplier: 1.2 },
      { startHour: 0, endHour: 24, multiplier: 1.5 },
      { days: [3], startHour: 8, endHour: 9, multiplier: 1.3 },
    ];
    assert.equal(timeMultiplier(new Date('2025-01-15T06:30:00Z'), windows), 1.5);
  });

  test('a day-restricted window does not match other days', () => {
    const windows = [{ days: [5], startHour: 0, endHour: 24, multiplier: 2 }];
    assert.equal(timeMultiplier(new Date('2025-01-15T10:00:00Z'), windows), 1.0);
    assert.equal(timeMultiplier(new Date('2025-01-17T10:00:00Z'), windows), 2);
  });
});
