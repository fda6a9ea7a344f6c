import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assignGreedy, assignOptimal, totalCost, type Assignment, type CostMatrix } from './assignment.js';

/** Exhaustive best (max pairs, then min cost) for small matrices. */
function bruteForce(cost: CostMatrix): { pairs: number; cost: number } {
  let best = { pairs: 0, cost: 0 };
  const cols = cost[0]?.length ?? 0;
  const walk = (t: number, used: Set<number>, pairs: number, sum: number) => {
    if (t === cost.length) {
      if (pairs > best.pairs || (pairs === best.pairs && sum < best.cost)) best = { pairs, cost: sum };
      return;
    }
    walk(t + 1, used, pairs, sum);
    for (let d = 0; d < cols; d++) {
      const c = cost[t]![d];
      if (c === null || c === undefined || used.has(d)) continue;
      used.add(d);
      walk(t + 1, used, pairs + 1, sum + c);
      used.delete(d);
    }
  };
  walk(0, new Set(), 0, 0);
  return best;
}

const valid = (cost: CostMatrix, a: Assignment) => {
  const trips = new Set(a.map(([t]) => t));
  const drivers = new Set(a.map(([, d]) => d));
  return trips.size === a.length && drivers.size === a.length && a.every(([t, d]) => cost[t]![d] !== null);
};

const matrix = fc.integer({ min: 1, max: 5 }).chain((rows) =>
  fc.integer({ min: 1, max: 5 }).chain((cols) =>
    fc.array(
      fc.array(fc.option(fc.integer({ min: 0, max: 8_000 }), { nil: null, freq: 4 }), {
        minLength: cols,
        maxLength: cols,
      }),
      { minLength: rows, maxLength: rows },
    ),
  ),
);

describe('batched assignment', () => {
  test('the textbook case: greedy grabs the nearest and costs more overall', () => {
    // Trip 0 arrives first and takes driver 0 (100 m), leaving trip 1 with driver 1 (5 km).
    const cost = [
      [100, 200],
      [150, 5_000],
    ];
    assert.equal(totalCost(cost, assignGreedy(cost)), 5_100);
    assert.equal(totalCost(cost, assignOptimal(cost)), 350);
  });

  test('Hungarian is optimal (vs brute force) and never worse than greedy; both valid', () => {
    fc.assert(
      fc.property(matrix, (cost) => {
        const optimal = assignOptimal(cost);
        const greedy = assignGreedy(cost);
        assert.ok(valid(cost, optimal) && valid(cost, greedy));
        const best = bruteForce(cost);
        assert.equal(optimal.length, best.pairs, 'serves as many trips as possible');
        assert.equal(totalCost(cost, optimal), best.cost);
        if (greedy.length === optimal.length) assert.ok(totalCost(cost, optimal) <= totalCost(cost, greedy));
      }),
      { numRuns: 500 },
    );
  });

  test('empty inputs', () => {
    assert.deepEqual(assignOptimal([]), []);
    assert.deepEqual(assignGreedy([[]]), []);
  });
});
