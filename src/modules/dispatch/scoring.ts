import { SERVING_CLASSES } from './strategy.js';

/** DESIGN.md "Dispatch": weighted score (they add up to 1). */
export const SCORE_WEIGHTS = {
  distance: 0.4,
  rating: 0.2,
  acceptance: 0.15,
  completion: 0.1,
  vehicleMatch: 0.1,
  repeatRider: 0.05,
} as const;

/**
 * Fairness (seed plan 001 phase 4 "same drivers shown for every trip"): a
 * driver's score loses up to 0.10 as the offers they received in the last
 * hour grow to 20 (linear, capped). 0.10 is the whole vehicle-match weight,
 * or a quarter of the distance weight: at 3 km, a driver with 20 offers
 * this hour ranks like one 750 m farther away. Close drivers still win; a
 * tie between similar drivers goes to the one who has been offered less.
 */
export const FAIRNESS_MAX_PENALTY = 0.1;
export const FAIRNESS_SATURATION_OFFERS = 20;
export const FAIRNESS_WINDOW_MS = 3_600_000;

/** Drivers rated below this never get offers (seed plan: "account in good standing"). */
export const RATING_FLOOR = 4.0;
const MAX_RATING = 5;
/** Smoothing for the completion rate, like the acceptance rate: a new driver is not judged on one trip. */
const COMPLETION_PRIOR = { completed: 4, accepted: 5 };

export interface CandidateFacts {
  driverId: string;
  distanceM: number;
  rating: number;
  /** 0..1, smoothed (drivers module). */
  acceptanceRate: number;
  /** 0..1, smoothed. */
  completionRate: number;
  /** Same vehicle class as requested (an upgrade is allowed but scores lower). */
  exactClass: boolean;
  /** Has completed a trip for this rider before. */
  repeatRider: boolean;
  offersLastHour: number;
}

export interface RankedCandidate extends CandidateFacts {
  score: number;
}

export function completionRate(tripsCompleted: number, offersAccepted: number): number {
  return Math.min(1, (tripsCompleted + COMPLETION_PRIOR.completed) / (offersAccepted + COMPLETION_PRIOR.accepted));
}

export function fairnessPenalty(offersLastHour: number): number {
  return FAIRNESS_MAX_PENALTY * Math.min(1, Math.max(0, offersLastHour) / FAIRNESS_SATURATION_OFFERS);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Score in about [-0.1, 1]; `radiusM` is the search radius the distance is judged against. */
export function scoreCandidate(c: CandidateFacts, radiusM: number): number {
  const w = SCORE_WEIGHTS;
  return (
    w.distance * clamp01(1 - c.distanceM / radiusM) +
    w.rating * clamp01(c.rating / MAX_RATING) +
    w.acceptance * clamp01(c.acceptanceRate) +
    w.completion * clamp01(c.completionRate) +
    w.vehicleMatch * (c.exactClass ? 1 : 0) +
    w.repeatRider * (c.repeatRider ? 1 : 0) -
    fairnessPenalty(c.offersLastHour)
  );
}

const byId = (a: { driverId: string }, b: { driverId: string }) =>
  a.driverId < b.driverId ? -1 : a.driverId > b.driverId ? 1 : 0;

/**
 * Best first. `nearest` is the MATCHING_DEGRADED mode: distance only, no
 * per-driver lookups beyond eligibility. Ties break by id so rankings are
 * deterministic.
 */
export function rankCandidates<T extends CandidateFacts>(
  candidates: readonly T[],
  radiusM: number,
  mode: 'weighted' | 'nearest',
): Array<T & { score: number }> {
  const scored = candidates.map((c) => ({
    ...c,
    score: mode === 'nearest' ? -c.distanceM : scoreCandidate(c, radiusM),
  }));
  return scored.sort((a, b) => b.score - a.score || a.distanceM - b.distanceM || byId(a, b));
}

export interface EligibilityFacts {
  approved: boolean;
  state: string;
  cooldownUntil: Date | null;
  vehicleClass: string;
  rating: number;
  /** An admin suspended the account (issue 16: a suspended driver gets no offers). */
  suspended?: boolean;
}

export type Ineligibility = 'not_approved' | 'suspended' | 'not_available' | 'vehicle_class' | 'rating';

/**
 * Why a driver may not get this offer, or null if they may. A driver in
 * cooldown whose 60 s are over counts as available (the lazy return from
 * cooldown; the offer's compare-and-set moves them straight to offered).
 */
/** `requestedClass` null: any vehicle may serve (a service job is matched on skills, not the car). */
export function ineligibility(d: EligibilityFacts, requestedClass: string | null, now: Date): Ineligibility | null {
  if (!d.approved) return 'not_approved';
  if (d.suspended) return 'suspended';
  const restedEnough =
    d.state === 'cooldown' && (d.cooldownUntil === null || d.cooldownUntil.getTime() <= now.getTime());
  if (d.state !== 'available' && !restedEnough) return 'not_available';
  if (requestedClass !== null && !(SERVING_CLASSES[requestedClass] ?? [requestedClass]).includes(d.vehicleClass))
    return 'vehicle_class';
  if (d.rating < RATING_FLOOR) return 'rating';
  return null;
}
