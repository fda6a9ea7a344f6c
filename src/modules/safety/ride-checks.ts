import { haversineM } from '../../platform/hotstate/index.js';

export type SafetyKind = 'stopped' | 'off_route' | 'speeding' | 'not_started';

export interface Fix {
  lat: number;
  lng: number;
  /** Epoch ms of the GPS fix (the checks use fix time, not arrival time). */
  at: number;
}

export interface RideCheckLimits {
  /** Issue 7: stopped > 5 min mid-trip. */
  stopMs: number;
  /** Movement smaller than this counts as standing still (GPS jitter in a parked car is ~10–30 m). */
  stopRadiusM: number;
  /** Issue 7: > 1 km off the straight pickup→dropoff corridor. */
  deviationM: number;
  /** Issue 7: > 120 km/h. */
  speedLimitMps: number;
}

export const STOP_RADIUS_M = 50;
/** Derived speed only from fixes at least this far apart: closer fixes turn GPS jitter into absurd speeds. */
const MIN_DERIVED_SPEED_INTERVAL_MS = 2_000;
const MAX_DERIVED_SPEED_INTERVAL_MS = 120_000;

export interface WatchState {
  anchor?: Fix;
  last?: Fix;
}

export interface TripShape {
  status: string;
  pickup: { lat: number; lng: number };
  dropoff: { lat: number; lng: number };
}

export interface Finding {
  kind: SafetyKind;
  details: Record<string, number>;
}

const EARTH_M_PER_DEG = 111_320;

/** Distance from p to the segment a→b, on a local equirectangular projection (accurate to metres at city scale). */
export function distanceToSegmentM(
  p: { lat: number; lng: number },
  a: { lat: number; lng: number },
  b: { lat: number; lng: number },
): number {
  const cos = Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  const toXY = (q: { lat: number; lng: number }) => ({ x: q.lng * cos * EARTH_M_PER_DEG, y: q.lat * EARTH_M_PER_DEG });
  const [P, A, B] = [toXY(p), toXY(a), toXY(b)];
  const dx = B.x - A.x;
  const dy = B.y - A.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((P.x - A.x) * dx + (P.y - A.y) * dy) / len2));
  return Math.hypot(P.x - (A.x + t * dx), P.y - (A.y + t * dy));
}

function derivedSpeedMps(last: Fix | undefined, fix: Fix): number | null {
  if (!last) return null;
  const dt = fix.at - last.at;
  if (dt < MIN_DERIVED_SPEED_INTERVAL_MS || dt > MAX_DERIVED_SPEED_INTERVAL_MS) return null;
  return haversineM(last.lat, last.lng, fix.lat, fix.lng) / (dt / 1000);
}

function checkStop(state: WatchState, fix: Fix, limits: RideCheckLimits): Finding | null {
  const anchor = state.anchor;
  if (!anchor || haversineM(anchor.lat, anchor.lng, fix.lat, fix.lng) > limits.stopRadiusM) {
    state.anchor = fix;
    return null;
  }
  const stoppedMs = fix.at - anchor.at;
  return stoppedMs >= limits.stopMs
    ? { kind: 'stopped', details: { stoppedForS: Math.round(stoppedMs / 1000) } }
    : null;
}

/**
 * Runs the stream checks for one fix of a trip's driver and advances `state`.
 * Speed applies whenever the driver has the trip; stop and route only while
 * the ride is under way (`started`), when the rider is in the car.
 */
export function checkFix(
  state: WatchState,
  fix: Fix & { speed: number | null },
  trip: TripShape,
  limits: RideCheckLimits,
): Finding[] {
  if (state.last && fix.at <= state.last.at) return []; // out of order: ignore
  const findings: Finding[] = [];
  const speed = fix.speed ?? derivedSpeedMps(state.last, fix);
  if (speed !== null && speed > limits.speedLimitMps)
    findings.push({ kind: 'speeding', details: { speedKmh: Math.round(speed * 3.6) } });
  if (trip.status === 'started') {
    const stop = checkStop(state, fix, limits);
    if (stop) findings.push(stop);
    const offBy = distanceToSegmentM(fix, trip.pickup, trip.dropoff);
    if (offBy > limits.deviationM) findings.push({ kind: 'off_route', details: { distanceM: Math.round(offBy) } });
  } else {
    state.anchor = undefined;
  }
  state.last = { lat: fix.lat, lng: fix.lng, at: fix.at };
  return findings;
}
