import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeFare, commissionSplit, FARE_ROUNDING_PIASTRES } from './fare.js';
import { VEHICLE_CLASSES } from '../../shared/index.js';
import { DEFAULT_TARIFFS } from './tariff.js';

const vehicleClass = fc.constantFrom(...VEHICLE_CLASSES);
const km = fc.double({ min: 0, max: 300, noNaN: true });
const minutes = fc.double({ min: 0, max: 600, noNaN: true });
const multiplier = fc.double({ min: 1, max: 3, noNaN: true });
const growth = fc.double({ min: 0, max: 100, noNaN: true });

describe('computeFare properties (all classes, multipliers 1.0..3.0)', () => {
  test('amount is an integer multiple of 50 piastres and never below the class minimum', () => {
    fc.assert(
      fc.property(vehicleClass, km, minutes, multiplier, multiplier, (cls, distanceKm, durationMin, tm, surge) => {
        const tariff = DEFAULT_TARIFFS[cls];
        const { amount } = computeFare({ tariff, distanceKm, durationMin, timeMultiplier: tm, surge });
        assert.ok(Number.isSafeInteger(amount), `not an integer: ${amount}`);
        assert.equal(amount % FARE_ROUNDING_PIASTRES, 0);
        assert.ok(amount >= tariff.minFare);
      }),
      { numRuns: 2000 },
    );
  });

  test('a longer trip never costs less (duration and multipliers fixed)', () => {
    fc.assert(
      fc.property(
        vehicleClass,
        km,
        growth,
        minutes,
        multiplier,
        multiplier,
        (cls, distanceKm, extra, durationMin, tm, surge) => {
          const base = { tariff: DEFAULT_TARIFFS[cls], durationMin, timeMultiplier: tm, surge };
          const shorter = computeFare({ ...base, distanceKm });
          const longer = computeFare({ ...base, distanceKm: distanceKm + extra });
          assert.ok(longer.amount >= shorter.amount);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('a slower trip never costs less (distance and multipliers fixed)', () => {
    fc.assert(
      fc.property(
        vehicleClass,
        km,
        minutes,
        growth,
        multiplier,
        multiplier,
        (cls, distanceKm, durationMin, extra, tm, surge) => {
          const base = { tariff: DEFAULT_TARIFFS[cls], distanceKm, timeMultiplier: tm, surge };
          const quicker = computeFare({ ...base, durationMin });
          const slower = computeFare({ ...base, durationMin: durationMin + extra });
          assert.ok(slower.amount >= quicker.amount);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('the charged amount is within 25 piastres of the exact fare when above the minimum', () => {
    fc.assert(
      fc.property(vehicleClass, km, minutes, multiplier, multiplier, (cls, distanceKm, durationMin, tm, surge) => {
        const tariff = DEFAULT_TARIFFS[cls];
        const fare = computeFare({ tariff, distanceKm, durationMin, timeMultiplier: tm, surge });
        const exact = (tariff.baseFare + tariff.perKm * distanceKm + tariff.perMin * durationMin) * tm * surge;
        if (!fare.minimumApplied) assert.ok(Math.abs(fare.amount - exact) <= 25 + 1e-6);
      }),
    );
  });
});

describe('commissionSplit properties', () => {
  test('commission + driver share is the fare, commission is the rate rounded to a piastre', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), (fare, bps) => {
        const { commission, driverShare } = commissionSplit(fare, bps);
        assert.ok(Number.isInteger(commission) && Number.isInteger(driverShare));
        assert.equal(commission + driverShare, fare);
        assert.ok(Math.abs(commission - (fare * bps) / 10_000) <= 0.5);
        assert.ok(commission >= 0 && driverShare >= 0);
      }),
    );
  });
});
