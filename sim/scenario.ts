/**
 * Everything random about a run, drawn up front from the seed: where drivers
 * start, when requests arrive (a Poisson process), where they go, how
 * patient each rider is. Two runs with the same seed and options face the
 * same city; only the server's decisions (and real-time jitter) differ.
 */
import { randomDropoff, randomPlace, randomPlaceNear, type Point } from './geo.js';
import { Rng } from './random.js';

export interface ScenarioOptions {
  seed: number;
  drivers: number;
  /** Requests per simulated minute over the whole city. */
  ratePerMin: number;
  minutes: number;
  /** Share of riders who give up if nobody has accepted within their patience. */
  cancelProb: number;
  medianTripM: number;
  /** Confine drivers and pickups to this radius around downtown instead of the whole box. */
  areaM?: number;
  /** Share of requests that are roadside jobs (issue 18) instead of rides; 0 when left out. */
  serviceShare?: number;
}

export const SERVICE_TYPES = ['battery', 'tyre', 'fuel', 'lockout', 'mechanic', 'tow'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export interface PlannedRequest {
  index: number;
  atMs: number;
  pickup: Point;
  dropoff: Point;
  /** Cancels the search this long after requesting if still unmatched; null = waits for the outcome. */
  cancelAfterMs: number | null;
  /**
   * A roadside job instead of a ride: help at `pickup` (a tow takes the car to `dropoff`). Its customer waits for
   * the outcome (`cancelAfterMs` applies to rides only).
   */
  service?: ServiceType;
}

export interface Scenario {
  driverStarts: Point[];
  requests: PlannedRequest[];
  /** Root of every per-agent stream (decline decisions, reaction times). */
  rng: Rng;
}

/** Patience of a rider who will give up: 20–80 simulated seconds. */
const PATIENCE_MS: [number, number] = [20_000, 80_000];

export function buildScenario(o: ScenarioOptions): Scenario {
  const rng = new Rng(o.seed);
  const place = (r: Rng) => (o.areaM === undefined ? randomPlace(r) : randomPlaceNear(r, o.areaM));
  const driverStarts = Array.from({ length: o.drivers }, (_, i) => place(rng.fork(`driver-start:${i}`)));
  const arrivals = rng.fork('arrivals');
  const requests: PlannedRequest[] = [];
  const endMs = o.minutes * 60_000;
  const meanGapMs = o.ratePerMin > 0 ? 60_000 / o.ratePerMin : Infinity;
  const plan = (i: number, atMs: number): PlannedRequest => {
    const r = rng.fork(`request:${i}`);
    const pickup = place(r);
    const dropoff = randomDropoff(r, pickup, o.medianTripM);
    const cancelAfterMs = r.chance(o.cancelProb) ? r.uniform(...PATIENCE_MS) : null;
    // Its own stream: the same seed gives the same rides' places and patience whatever the share.
    const kind = rng.fork(`request-kind:${i}`);
    const service = kind.chance(o.serviceShare ?? 0) ? kind.pick(SERVICE_TYPES) : undefined;
    return { index: i, atMs, pickup, dropoff, cancelAfterMs, ...(service ? { service } : {}) };
  };
  for (let at = arrivals.exponential(meanGapMs), i = 0; at < endMs; at += arrivals.exponential(meanGapMs), i++) {
    requests.push(plan(i, at));
  }
  // A short run can draw no arrival at all; someone asked for riders, so one of them rides (at a quarter of the run).
  if (requests.length === 0 && o.ratePerMin > 0) requests.push(plan(0, endMs / 4));
  return { driverStarts, requests, rng };
}
