export type Strategy = 'first_accept' | 'broadcast_bid' | 'sequential' | 'scheduled';

export interface StrategyRules {
  /** Offers sent per round. */
  driversPerRound: number;
  /** How long a round's offers stay open, before DISPATCH_TIME_SCALE. */
  roundMs: number;
  /** Rounds before the search ends as no_drivers. */
  maxRounds: number;
  /** broadcast_bid only: how long the rider may pick among bids after the round. */
  selectionMs?: number;
  /** One last round after `maxRounds` with a different shape (sequential's broadcast to the rest). */
  fallback?: { driversPerRound: number; roundMs: number };
}

/** Offers and duration of one round; the fallback round (if any) is the one after `maxRounds`. */
export interface RoundShape {
  driversPerRound: number;
  roundMs: number;
}

/**
 * DESIGN.md "Dispatch" and seed plan 001 phase 4:
 * - first_accept: top 5 at once, 15 s rounds, widening; 5 rounds (≤ 25 drivers, 75 s).
 * - broadcast_bid: 10 drivers, bids collected 30 s, then the rider has 30 s to
 *   pick; 3 rounds.
 * - sequential: one driver at a time, 10 s each, 5 tries, then "fallback to
 *   broadcast": one first_accept-style round offered at once to up to 10 of
 *   the drivers not yet offered (the broadcast_bid size), first accept wins,
 *   15 s (a first_accept round); only then no_drivers.
 * - scheduled: first_accept rounds starting SCHEDULED_OFFER_LEAD_MS (30 min) before pickup, for up to
 *   5 minutes (20 rounds) because there is time to find someone.
 */
export const STRATEGY_RULES: Readonly<Record<Strategy, StrategyRules>> = {
  first_accept: { driversPerRound: 5, roundMs: 15_000, maxRounds: 5 },
  broadcast_bid: { driversPerRound: 10, roundMs: 30_000, maxRounds: 3, selectionMs: 30_000 },
  sequential: {
    driversPerRound: 1,
    roundMs: 10_000,
    maxRounds: 5,
    fallback: { driversPerRound: 10, roundMs: 15_000 },
  },
  scheduled: { driversPerRound: 5, roundMs: 15_000, maxRounds: 20 },
};

/** DESIGN.md: the search radius expands 3 → 5 → 8 km. */
export const SEARCH_RADII_M: readonly number[] = [3_000, 5_000, 8_000];

/** The last round a strategy runs (its fallback round included); the round after it ends the search. */
export function lastRound(strategy: Strategy): number {
  const rules = STRATEGY_RULES[strategy];
  return rules.maxRounds + (rules.fallback ? 1 : 0);
}

/** What round `round` of a strategy looks like: the regular shape, or the fallback after `maxRounds`. */
export function roundShape(strategy: Strategy, round: number): RoundShape {
  const rules = STRATEGY_RULES[strategy];
  return round > rules.maxRounds && rules.fallback ? rules.fallback : rules;
}

/** Round length after the time scale (tests and the simulator shrink it). */
export function roundDurationMs(strategy: Strategy, timeScale: number, round = 1): number {
  return Math.max(50, Math.round(roundShape(strategy, round).roundMs * timeScale));
}

/**
 * How soon a round that found every nearby driver holding another offer
 * tries again: a fifth of a round, since such drivers come free as soon as
 * the trip they hold is accepted (or at the latest when its round ends).
 */
export function waitRetryMs(strategy: Strategy, timeScale: number): number {
  return Math.max(50, Math.round((STRATEGY_RULES[strategy].roundMs / 5) * timeScale));
}

export function selectionDurationMs(strategy: Strategy, timeScale: number): number {
  return Math.max(50, Math.round((STRATEGY_RULES[strategy].selectionMs ?? 0) * timeScale));
}

/** Vehicle classes that may serve a request, the exact class first (an upgrade scores lower). */
export const SERVING_CLASSES: Readonly<Record<string, readonly string[]>> = {
  economy: ['economy', 'comfort'],
  comfort: ['comfort', 'premium'],
  premium: ['premium'],
  // Capacity, not comfort: only an XL seats an XL party.
  xl: ['xl'],
};
