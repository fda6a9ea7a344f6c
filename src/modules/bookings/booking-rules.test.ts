import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canMoveBooking, canSoftDelete } from './booking-rules.js';

test('provider drives the job forward; the customer cannot', () => {
  assert.equal(canMoveBooking('pending', 'confirmed', 'provider'), 'ok');
  assert.equal(canMoveBooking('confirmed', 'in_progress', 'provider'), 'ok');
  assert.equal(canMoveBooking('in_progress', 'completed', 'provider'), 'ok');
  assert.equal(canMoveBooking('pending', 'confirmed', 'customer'), 'bad_actor');
  assert.equal(canMoveBooking('in_progress', 'completed', 'customer'), 'bad_actor');
  assert.equal(canMoveBooking('pending', 'completed', 'provider'), 'bad_state');
  assert.equal(canMoveBooking('completed', 'confirmed', 'admin'), 'bad_state');
});

test('either party cancels until work starts; only an admin after', () => {
  for (const actor of ['customer', 'provider', 'admin'] as const) {
    assert.equal(canMoveBooking('pending', 'cancelled', actor), 'ok');
    assert.equal(canMoveBooking('confirmed', 'cancelled', actor), 'ok');
    assert.equal(canMoveBooking('completed', 'cancelled', actor), 'bad_state');
  }
  assert.equal(canMoveBooking('in_progress', 'cancelled', 'customer'), 'bad_state');
  assert.equal(canMoveBooking('in_progress', 'cancelled', 'provider'), 'bad_state');
  assert.equal(canMoveBooking('in_progress', 'cancelled', 'admin'), 'ok');
});

test('soft delete: owner customer (not mid-job) or admin', () => {
  assert.equal(canSoftDelete('confirmed', 'customer'), 'ok');
  assert.equal(canSoftDelete('in_progress', 'customer'), 'bad_state');
  assert.equal(canSoftDelete('pending', 'provider'), 'bad_actor');
  assert.equal(canSoftDelete('in_progress', 'admin'), 'ok');
});
