import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WaitingTrips } from './waiting.js';

describe('WaitingTrips', () => {
  test('longest waiting first; waiting again keeps the place in line; any other outcome leaves the line', () => {
    const line = new WaitingTrips();
    line.note('a', 1, true, 0);
    line.note('b', 2, true, 10);
    line.note('c', 1, true, 20);
    line.note('a', 1, true, 30); // a waited again: still first
    line.note('b', 2, false, 40); // b got its offers
    assert.deepEqual(line.take(5, 50), [
      { tripId: 'a', round: 1 },
      { tripId: 'c', round: 1 },
    ]);
  });

  test('a taken trip is not handed out twice until its run reports back or fails', () => {
    const line = new WaitingTrips();
    line.note('a', 1, true, 0);
    line.note('b', 1, true, 0);
    assert.deepEqual(line.take(1, 1), [{ tripId: 'a', round: 1 }]);
    assert.deepEqual(line.take(5, 2), [{ tripId: 'b', round: 1 }]);
    assert.deepEqual(line.take(5, 3), []);
    line.note('a', 1, true, 4); // waited again
    line.settle('b'); // its run failed
    assert.deepEqual(line.take(5, 5), [
      { tripId: 'a', round: 1 },
      { tripId: 'b', round: 1 },
    ]);
  });

  test('entries older than any search are dropped', () => {
    const line = new WaitingTrips();
    line.note('old', 1, true, 0);
    line.note('new', 1, true, 11 * 60_000);
    assert.deepEqual(line.take(5, 11 * 60_000 + 1), [{ tripId: 'new', round: 1 }]);
    assert.equal(line.size, 1);
  });
});
