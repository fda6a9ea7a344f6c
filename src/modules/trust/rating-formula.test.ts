import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blendedRating } from './rating-formula.js';

test('a new account shows the 5.0 prior', () => {
  assert.equal(blendedRating(0, 0), 5);
});

test('one bad trip on a new account does not sink it: a single 1-star shows 4.20', () => {
  assert.equal(blendedRating(1, 1), 4.2);
});

test('from the fifth rating on the rating is the plain mean', () => {
  assert.equal(blendedRating(5 * 3, 5), 3);
  assert.equal(blendedRating(4 * 10 + 5 * 10, 20), 4.5);
});

test('four 4-star ratings show 4.20 and the fifth brings it to the plain mean 4.00', () => {
  assert.equal(blendedRating(4 * 4, 4), 4.2);
  assert.equal(blendedRating(4 * 5, 5), 4);
});
