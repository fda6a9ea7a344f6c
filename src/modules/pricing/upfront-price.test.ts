import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { repricingReason, type RideFacts } from './upfront-price.js';

const asQuoted: RideFacts = {
  routeChange: null,
  quotedDistanceM: 10_000,
  quotedDurationS: 1_200,
  actualDistanceM: 10_000,
  actualDurationS: 1_200,
};

describe('upfront price', () => {
  test('a ride as quoted keeps the quoted amount, up to +25 % distance and +50 % duration', () => {
    assert.equal(repricingReason(asQuoted), null);
    assert.equal(repricingReason({ ...asQuoted, actualDistanceM: 12_500, actualDurationS: 1_800 }), null);
  });

  test('going more than 25 % further re-prices the trip', () => {
    assert.equal(repricingReason({ ...asQuoted, actualDistanceM: 12_501 }), 'distance_exceeded');
  });

  test('taking more than 50 % longer re-prices the trip', () => {
    assert.equal(repricingReason({ ...asQuoted, actualDurationS: 1_801 }), 'duration_exceeded');
  });

  test('a changed destination or an added stop re-prices the trip whatever the distance', () => {
    assert.equal(repricingReason({ ...asQuoted, routeChange: 'destination_changed' }), 'destination_changed');
    assert.equal(repricingReason({ ...asQuoted, routeChange: 'stop_added', actualDistanceM: 1 }), 'stop_added');
  });

  test('a trip without quoted figures (priced before they were kept) is never re-priced by distance', () => {
    assert.equal(repricingReason({ ...asQuoted, quotedDistanceM: null, quotedDurationS: null }), null);
  });
});
