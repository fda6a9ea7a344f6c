import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { computeFare, commissionSplit, roundFare } from './fare.js';
import { DEFAULT_TARIFFS, type Tariff } from './tariff.js';
import { estimateRoute } from './route-estimate.js';

const economy = DEFAULT_TARIFFS.economy;
const noMultipliers = { timeMultiplier: 1, surge: 1 };

describe('computeFare', () => {
  test('economy 10 km / 20 min with no multipliers is 55.00 EGP (API.md example)', () => {
    const fare = computeFare({ tariff: economy, distanceKm: 10, durationMin: 20, ...noMultipliers });
    assert.deepEqual(fare, { amount: 5500, minimumApplied: false });
  });

  test('a 100 m trip costs the class minimum', () => {
    const fare = computeFare({ tariff: economy, distanceKm: 0.1, durationMin: 0.24, ...noMultipliers });
    assert.deepEqual(fare, { amount: 1500, minimumApplied: true });
  });

  test('a 100 m trip through the default route estimate costs the minimum of every class', () => {
    // 0.0009° of latitude ≈ 100 m.
    const route = estimateRoute({ lat: 30.0444, lng: 31.2357 }, { lat: 30.0453, lng: 31.2357 });
    for (const tariff of Object.values(DEFAULT_TARIFFS)) {
      const fare = computeFare({
        tariff,
        distanceKm: route.distanceKmExact,
        durationMin: route.durationMinExact,
        ...noMultipliers,
      });
      assert.equal(fare.amount, tariff.minFare);
      assert.equal(fare.minimumApplied, true);
    }
  });

  test('time multiplier and surge multiply', () => {
    // 5500 × 1.2 × 1.5 = 9900
    const fare = computeFare({ tariff: economy, distanceKm: 10, durationMin: 20, timeMultiplier: 1.2, surge: 1.5 });
    assert.equal(fare.amount, 9900);
  });

  test('distance and duration are used unrounded', () => {
    // 10.4 km, 20.4 min: 1000 + 3640 + 1020 = 5660 → 5650. Rounding inputs first would give 5500.
    const fare = computeFare({ tariff: economy, distanceKm: 10.4, durationMin: 20.4, ...noMultipliers });
    assert.equal(fare.amount, 5650);
  });

  test('a minimum that is not a multiple of 50 is rounded up, never below it', () => {
    const odd: Tariff = { ...economy, minFare: 1520 };
    const fare = computeFare({ tariff: odd, distanceKm: 0, durationMin: 0, ...noMultipliers });
    assert.equal(fare.amount, 1550);
  });

  test('rejects negative or non-finite inputs', () => {
    assert.throws(() => computeFare({ tariff: economy, distanceKm: -1, durationMin: 1, ...noMultipliers }), RangeError);
    assert.throws(
      () => computeFare({ tariff: economy, distanceKm: 1, durationMin: Number.NaN, ...noMultipliers }),
      RangeError,
    );
    assert.throws(
      () => computeFare({ tariff: economy, distanceKm: 1, durationMin: 1, timeMultiplier: 0, surge: 1 }),
      RangeError,
    );
  });
});

describe('roundFare', () => {
  test('rounds to the nearest 50 piastres, halves up', () => {
    assert.equal(roundFare(5524), 5500);
    assert.equal(roundFare(5525), 5550);
    assert.equal(roundFare(5574), 5550);
    assert.equal(roundFare(5575), 5600);
    assert.equal(roundFare(5600), 5600);
  });

  test('float error just under a half still rounds up', () => {
    assert.equal(roundFare(5524.999999999999), 5550);
  });

  test('a fare exactly on a half is charged rounded up despite float error', () => {
    // (1000 + 350 × 2.5) × 1.4 × 1.4 is exactly 3675 but evaluates to 3674.9999999999995;
    // naive Math.round(raw / 50) × 50 would charge 3650.
    const fare = computeFare({ tariff: economy, distanceKm: 2.5, durationMin: 0, timeMultiplier: 1.4, surge: 1.4 });
    assert.equal(fare.amount, 3700);
  });
});

describe('commissionSplit', () => {
  test('50.00 EGP economy at 15 % gives 7.50 to the platform and 42.50 to the driver', () => {
    assert.deepEqual(commissionSplit(5000, 1500), { commission: 750, driverShare: 4250 });
  });

  test('commission rounds half up to a piastre', () => {
    // 1550 × 17 % = 263.5 → 264
    assert.deepEqual(commissionSplit(1550, 1700), { commission: 264, driverShare: 1286 });
    // 1530 × 18 % = 275.4 → 275
    assert.deepEqual(commissionSplit(1530, 1800), { commission: 275, driverShare: 1255 });
  });

  test('rejects fractional amounts and out-of-range rates', () => {
    assert.throws(() => commissionSplit(10.5, 1500), RangeError);
    assert.throws(() => commissionSplit(1000, 10_001), RangeError);
    assert.throws(() => commissionSplit(-50, 1500), RangeError);
  });
});
