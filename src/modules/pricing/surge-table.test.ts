import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { surgeFromRatio, surgeFromCounts } from './surge-table.js';

describe('surgeFromRatio', () => {
  test('table boundaries from API.md', () => {
    const cases: [number, number][] = [
      [0, 1.0],
      [0.99, 1.0],
      [1, 1.1],
      [1.49, 1.1],
      [1.5, 1.3],
      [1.99, 1.3],
      [2, 1.5],
      [2.99, 1.5],
      [3, 1.8],
      [3.99, 1.8],
      [4, 2.0],
      [5, 2.5],
      [6, 3.0],
      [100, 3.0],
      [Number.POSITIVE_INFINITY, 3.0],
    ];
    for (const [ratio, expected] of cases) {
      assert.equal(surgeFromRatio(ratio), expected, `ratio ${ratio}`);
    }
  });

  test('never decreases as the ratio grows and stays within 1.0..3.0', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const sLo = surgeFromRatio(lo);
        assert.ok(sLo <= surgeFromRatio(hi));
        assert.ok(sLo >= 1.0 && surgeFromRatio(hi) <= 3.0);
      }),
    );
  });

  test('rejects NaN', () => {
    assert.throws(() => surgeFromRatio(Number.NaN), RangeError);
  });
});

describe('surgeFromCounts', () => {
  test('no demand means no surge, even with no drivers', () => {
    assert.equal(surgeFromCounts(0, 0), 1.0);
    assert.equal(surgeFromCounts(0, 7), 1.0);
  });

  test('demand with no supply uses the demand as the ratio', () => {
    assert.equal(surgeFromCounts(1, 0), 1.1);
    assert.equal(surgeFromCounts(3, 0), 1.8);
    assert.equal(surgeFromCounts(20, 0), 3.0);
  });

  test('ratio of demand to supply', () => {
    assert.equal(surgeFromCounts(5, 10), 1.0);
    assert.equal(surgeFromCounts(10, 5), 1.5);
    assert.equal(surgeFromCounts(9, 2), 2.25);
  });

  test('rejects negative counts', () => {
    assert.throws(() => surgeFromCounts(-1, 2), RangeError);
    assert.throws(() => surgeFromCounts(1, -2), RangeError);
  });
});
