import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeFare } from './fare.js';
import { FARE_ITEM_CODES, itemiseFare, itemsTotal, linesForBid } from './fare-items.js';
import { labelItems, labelLanguage } from './fare-labels.js';
import { ar } from './locales/ar.js';
import { en } from './locales/en.js';

// Random tariffs too (an admin may set anything the API accepts), not only the defaults.
const tariff = fc.record({
  baseFare: fc.integer({ min: 0, max: 10_000 }),
  perKm: fc.integer({ min: 0, max: 2_000 }),
  perMin: fc.integer({ min: 0, max: 500 }),
  minFare: fc.integer({ min: 0, max: 20_000 }),
  commissionBps: fc.integer({ min: 0, max: 10_000 }),
});
const trip = fc.record({
  tariff,
  distanceKm: fc.double({ min: 0, max: 300, noNaN: true }),
  durationMin: fc.double({ min: 0, max: 600, noNaN: true }),
  timeMultiplier: fc.constantFrom(1, 1.1, 1.2, 1.3, 1.4, 2.75, 5),
  surge: fc.oneof(fc.constantFrom(1, 1.1, 1.3, 1.5, 1.8, 3), fc.double({ min: 1, max: 3, noNaN: true })),
});

describe('itemised quotes', () => {
  test('for 1,000 random trips the lines are whole piastres summing exactly to the fare', () => {
    fc.assert(
      fc.property(trip, (input) => {
        const { amount, items } = itemiseFare(input);
        assert.equal(amount, computeFare(input).amount, 'the itemised fare is the fare');
        assert.equal(itemsTotal(items), amount);
        for (const item of items) assert.ok(Number.isSafeInteger(item.amount), `${item.code}: ${item.amount}`);
        const codes = items.map((i) => i.code);
        assert.deepEqual(
          codes.filter((c) => c !== 'minimum_fare'),
          ['base', 'distance', 'time', 'time_multiplier', 'surge', 'rounding'],
        );
        // The rounding line is the 0.50 EGP step plus sub-piastre remainders, never a hidden charge.
        const rounding = items.find((i) => i.code === 'rounding')!.amount;
        assert.ok(Math.abs(rounding) <= 25 + 3, `rounding ${rounding}`);
      }),
      { numRuns: 1_000 },
    );
  });

  test('the minimum-fare top-up appears only when the minimum applies, and is what lifts the fare to it', () => {
    const short = {
      tariff: { baseFare: 1000, perKm: 350, perMin: 50, minFare: 1500, commissionBps: 1500 },
      distanceKm: 0.5,
      durationMin: 1,
      timeMultiplier: 1,
      surge: 1,
    };
    const { amount, items } = itemiseFare(short);
    assert.equal(amount, 1500);
    assert.deepEqual(
      items.map((i) => [i.code, i.amount]),
      [
        ['base', 1000],
        ['distance', 175],
        ['time', 50],
        ['time_multiplier', 0],
        ['surge', 0],
        ['minimum_fare', 250],
        ['rounding', 25],
      ],
    );
    const long = itemiseFare({ ...short, distanceKm: 10, durationMin: 20 });
    assert.equal(long.amount, 5500, "API.md's worked example");
    assert.ok(!long.items.some((i) => i.code === 'minimum_fare'));
  });

  test('every line has an English and an Arabic label; Accept-Language picks, English by default', () => {
    for (const code of FARE_ITEM_CODES) assert.ok(en[code] && ar[code], code);
    assert.equal(labelLanguage(undefined), 'en');
    assert.equal(labelLanguage('fr-FR'), 'en');
    assert.equal(labelLanguage('ar-EG,ar;q=0.9,en;q=0.8'), 'ar');
    assert.equal(labelLanguage('en;q=0.5, ar;q=0.9'), 'ar');
    assert.deepEqual(labelItems([{ code: 'surge', amount: 120 }], 'ar'), [
      { code: 'surge', label: ar.surge, amount: 120 },
    ]);
  });

  test('a chosen bid keeps the quoted lines and adds the difference, so the lines sum to the bid', () => {
    const quoted = itemiseFare({
      tariff: { baseFare: 1000, perKm: 350, perMin: 50, minFare: 1500, commissionBps: 1500 },
      distanceKm: 10,
      durationMin: 20,
      timeMultiplier: 1,
      surge: 1,
    });
    const lines = linesForBid(quoted.items, quoted.amount, 6_000);
    assert.equal(itemsTotal(lines), 6_000);
    assert.deepEqual(lines.at(-1), { code: 'bid_adjustment', amount: 500 });
    assert.deepEqual(linesForBid(quoted.items, quoted.amount, quoted.amount), quoted.items);
  });
});
