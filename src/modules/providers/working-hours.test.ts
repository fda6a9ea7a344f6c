import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitsWorkingHours, minutesOf, workingHoursProblems } from './working-hours.js';

// 2025-01-06 is a Monday; Cairo is UTC+2 in January (no DST).
const at = (iso: string) => new Date(iso);

test('no working hours means any time', () => {
  assert.equal(fitsWorkingHours({}, at('2025-01-06T01:00:00Z'), at('2025-01-06T02:00:00Z')), true);
});

test('fits inside one interval of the local weekday', () => {
  const hours = {
    '1': [
      ['09:00', '13:00'],
      ['14:00', '18:00'],
    ] as Array<[string, string]>,
  };
  assert.equal(fitsWorkingHours(hours, at('2025-01-06T07:00:00Z'), at('2025-01-06T09:00:00Z')), true); // 09–11 local
  // 12–14:30 spans the break
  assert.equal(fitsWorkingHours(hours, at('2025-01-06T10:00:00Z'), at('2025-01-06T12:30:00Z')), false);
  assert.equal(fitsWorkingHours(hours, at('2025-01-06T06:59:00Z'), at('2025-01-06T08:00:00Z')), false); // starts 08:59
  // Tuesday: day off
  assert.equal(fitsWorkingHours(hours, at('2025-01-07T07:00:00Z'), at('2025-01-07T08:00:00Z')), false);
});

test('local weekday, not UTC weekday, decides; an interval may end at midnight', () => {
  // Sunday 23:00 UTC is Monday 01:00 in Cairo.
  assert.equal(
    fitsWorkingHours({ '1': [['00:00', '02:00']] }, at('2025-01-05T23:00:00Z'), at('2025-01-05T23:30:00Z')),
    true,
  );
  assert.equal(
    fitsWorkingHours({ '1': [['20:00', '24:00']] }, at('2025-01-06T20:00:00Z'), at('2025-01-06T22:00:00Z')),
    true,
  ); // 22:00–00:00 local
  assert.equal(
    fitsWorkingHours({ '1': [['20:00', '24:00']] }, at('2025-01-06T20:00:00Z'), at('2025-01-06T22:30:00Z')),
    false,
  ); // past midnight
});

test('problems: reversed and overlapping intervals', () => {
  assert.equal(minutesOf('24:00'), 1440);
  assert.deepEqual(
    workingHoursProblems({
      '1': [
        ['09:00', '12:00'],
        ['13:00', '14:00'],
      ],
    }),
    [],
  );
  assert.equal(workingHoursProblems({ '1': [['12:00', '09:00']] }).length, 1);
  assert.equal(
    workingHoursProblems({
      '2': [
        ['09:00', '12:00'],
        ['11:00', '13:00'],
      ],
    }).length,
    1,
  );
});
