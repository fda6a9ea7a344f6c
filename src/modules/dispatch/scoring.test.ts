import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FAIRNESS_MAX_PENALTY,
  FAIRNESS_SATURATION_OFFERS,
  RATING_FLOOR,
  SCORE_WEIGHTS,
  fairnessPenalty,
  ineligibility,
  rankCandidates,
  scoreCandidate,
  type CandidateFacts,
} from './scoring.js';

const base: CandidateFacts = {
  driverId: 'a',
  distanceM: 1_000,
  rating: 4.8,
  acceptanceRate: 0.9,
  completionRate: 0.95,
  exactClass: true,
  repeatRider: false,
  offersLastHour: 0,
};

const facts = fc.record({
  driverId: fc.constantFrom('a', 'b', 'c'),
  distanceM: fc.double({ min: 0, max: 8_000, noNaN: true }),
  rating: fc.double({ min: 1, max: 5, noNaN: true }),
  acceptanceRate: fc.double({ min: 0, max: 1, noNaN: true }),
  completionRate: fc.double({ min: 0, max: 1, noNaN: true }),
  exactClass: fc.boolean(),
  repeatRider: fc.boolean(),
  offersLastHour: fc.integer({ min: 0, max: 100 }),
});

describe('dispatch score (DESIGN.md weights)', () => {
  test('weights add up to 1 and a perfect driver at the pickup scores 1', () => {
    const sum = Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12);
    const perfect = { ...base, distanceM: 0, rating: 5, acceptanceRate: 1, completionRate: 1, repeatRider: true };
    assert.ok(Math.abs(scoreCandidate(perfect, 3_000) - 1) < 1e-12);
  });

  test('closer, better rated, more accepting: never a lower score (all else equal)', () => {
    fc.assert(
      fc.property(facts, fc.double({ min: 0, max: 3_000, noNaN: true }), (c, closer) => {
        const radius = 8_000;
        const s = scoreCandidate(c, radius);
        assert.ok(scoreCandidate({ ...c, distanceM: Math.max(0, c.distanceM - closer) }, radius) >= s);
        assert.ok(scoreCandidate({ ...c, rating: Math.min(5, c.rating + 0.5) }, radius) >= s);
        assert.ok(scoreCandidate({ ...c, acceptanceRate: Math.min(1, c.acceptanceRate + 0.1) }, radius) >= s);
        assert.ok(
          scoreCandidate({ ...c, offersLastHour: c.offersLastHour + 1 }, radius) <= s,
          'more recent offers never help',
        );
      }),
    );
  });

  test('fairness: penalty grows linearly to 0.10 at 20 offers in the hour, then stays', () => {
    assert.equal(fairnessPenalty(0), 0);
    assert.ok(Math.abs(fairnessPenalty(FAIRNESS_SATURATION_OFFERS / 2) - FAIRNESS_MAX_PENALTY / 2) < 1e-12);
    assert.equal(fairnessPenalty(FAIRNESS_SATURATION_OFFERS), FAIRNESS_MAX_PENALTY);
    assert.equal(fairnessPenalty(500), FAIRNESS_MAX_PENALTY);
  });

  test('fairness breaks near-ties but does not send a far driver ahead of a near one', () => {
    const busy = { ...base, driverId: 'busy', distanceM: 1_000, offersLastHour: 20 };
    const idle = { ...base, driverId: 'idle', distanceM: 1_200, offersLastHour: 0 };
    assert.deepEqual(
      rankCandidates([busy, idle], 3_000, 'weighted').map((c) => c.driverId),
      ['idle', 'busy'],
    );
    const farIdle = { ...idle, distanceM: 2_500 };
    assert.deepEqual(
      rankCandidates([busy, farIdle], 3_000, 'weighted').map((c) => c.driverId),
      ['busy', 'idle'],
    );
  });

  test('degraded mode ranks by distance only', () => {
    const near = { ...base, driverId: 'near', distanceM: 900, rating: 4.0, acceptanceRate: 0.1 };
    const star = { ...base, driverId: 'star', distanceM: 1_000, rating: 5, acceptanceRate: 1, repeatRider: true };
    assert.deepEqual(
      rankCandidates([star, near], 3_000, 'weighted').map((c) => c.driverId),
      ['star', 'near'],
    );
    assert.deepEqual(
      rankCandidates([star, near], 3_000, 'nearest').map((c) => c.driverId),
      ['near', 'star'],
    );
  });
});

describe('eligibility', () => {
  const now = new Date('2025-01-15T10:00:00Z');
  const ok = { approved: true, state: 'available', cooldownUntil: null, vehicleClass: 'economy', rating: 4.9 };

  test('approved, available, right class, rating at or above the floor', () => {
    assert.equal(ineligibility(ok, 'economy', now), null);
    assert.equal(ineligibility({ ...ok, rating: RATING_FLOOR }, 'economy', now), null);
    assert.equal(ineligibility({ ...ok, rating: RATING_FLOOR - 0.01 }, 'economy', now), 'rating');
    assert.equal(ineligibility({ ...ok, approved: false }, 'economy', now), 'not_approved');
    assert.equal(ineligibility({ ...ok, suspended: true }, 'economy', now), 'suspended');
    for (const state of ['offline', 'offered', 'busy'])
      assert.equal(ineligibility({ ...ok, state }, 'economy', now), 'not_available');
  });

  test('cooldown ends lazily after its 60 s', () => {
    const resting = { ...ok, state: 'cooldown', cooldownUntil: new Date(now.getTime() + 1_000) };
    assert.equal(ineligibility(resting, 'economy', now), 'not_available');
    assert.equal(ineligibility({ ...resting, cooldownUntil: new Date(now.getTime() - 1) }, 'economy', now), null);
  });

  test('an upgrade may serve (comfort for economy), a downgrade or a different kind may not', () => {
    assert.equal(ineligibility({ ...ok, vehicleClass: 'comfort' }, 'economy', now), null);
    assert.equal(ineligibility({ ...ok, vehicleClass: 'economy' }, 'comfort', now), 'vehicle_class');
    assert.equal(ineligibility({ ...ok, vehicleClass: 'premium' }, 'xl', now), 'vehicle_class');
  });
});
