import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribes } from './webhook-events.js';

test('"*" matches every type except the opt-in sos ones; naming them or sos.* does', () => {
  assert.equal(subscribes(['*'], 'trip.completed'), true);
  assert.equal(subscribes(['*'], 'sos.opened'), false);
  assert.equal(subscribes(['sos.*'], 'sos.opened'), true);
  assert.equal(subscribes(['*', 'sos.resolved'], 'sos.resolved'), true);
  assert.equal(subscribes(['trip.*'], 'booking.created'), false);
  assert.equal(subscribes(['trip.accepted'], 'trip.arrived'), false);
});
