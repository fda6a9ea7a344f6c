/** What the simulator measures, and the report it prints and writes. Times are simulated milliseconds. */
import { FaultStats, formatFaults, type FaultReport } from './faults.js';
import { RoadsideStats, formatRoadside, type RoadsideReport } from './roadside-stats.js';

export type Outcome = 'searching' | 'matched' | 'completed' | 'cancelled_rider' | 'cancelled_driver' | 'no_drivers';

export interface TripRecord {
  tripId: string;
  requestedAt: number;
  matchedAt?: number;
  /** Driver's position when the accept succeeded → pickup, straight line. */
  pickupDistanceM?: number;
  outcome: Outcome;
}

export interface Report {
  mode: string;
  settings: Record<string, unknown>;
  simMinutes: number;
  realSeconds: number;
  requests: number;
  blocked: number;
  matched: number;
  matchRate: number;
  timeToMatchS: { p50: number | null; p95: number | null; mean: number | null };
  pickupDistanceM: { p50: number | null; mean: number | null; p95: number | null };
  utilisation: number;
  completed: number;
  cancellations: { rider: number; driver: number; noDrivers: number };
  unresolvedAtEnd: { searching: number; onTrip: number };
  offers: { received: number; accepted: number; declined: number; lost: number; expired: number };
  /** Real (not simulated) HTTP latency seen by the agents; high values mean the box was too slow for the speed. */
  httpLatencyMs: { p50: number | null; p95: number | null; calls: number };
  /** Batched assignment solves over the whole run (in-process server only). */
  batches: { solves: number; meanTrips: number } | null;
  /** `--faults` runs only. */
  faults?: FaultReport;
  /** Roadside jobs (`--service-share`), next to the rides above. */
  roadside: RoadsideReport;
  errors: Record<string, number>;
}

export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
const round = (x: number | null, digits = 0) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export class Stats {
  readonly trips = new Map<string, TripRecord>();
  private readonly busy = new Map<string, Array<[number, number | undefined]>>();
  private drivers = 0;
  blocked = 0;
  readonly offers = { received: 0, accepted: 0, declined: 0, lost: 0, expired: 0 };
  readonly errors: Record<string, number> = {};
  /** Filled by the agents in every run; reported with `--faults`. */
  readonly faults = new FaultStats();
  readonly roadside: RoadsideStats;

  /** Requests made before `warmupMs` and driver time before it are left out (the city starts empty). */
  constructor(private readonly warmupMs: number) {
    this.roadside = new RoadsideStats(warmupMs);
  }

  setDrivers(n: number): void {
    this.drivers = n;
  }

  requested(tripId: string, at: number): void {
    this.trips.set(tripId, { tripId, requestedAt: at, outcome: 'searching' });
  }

  matched(tripId: string, driverId: string, at: number, pickupDistanceM: number): void {
    const trip = this.trips.get(tripId);
    if (trip) Object.assign(trip, { matchedAt: trip.matchedAt ?? at, pickupDistanceM, outcome: 'matched' });
    this.faults.matched(tripId, at);
    this.occupied(driverId, at);
  }

  /** The driver took a job (a trip or a roadside job): busy from `at` until `freed`. */
  occupied(driverId: string, at: number): void {
    this.busy.set(driverId, [...(this.busy.get(driverId) ?? []), [at, undefined]]);
  }

  /** The job ended (completed or cancelled after a match): the driver is off it. */
  freed(driverId: string, at: number): void {
    const last = this.busy.get(driverId)?.at(-1);
    if (last && last[1] === undefined) last[1] = at;
  }

  ended(tripId: string, outcome: Outcome): void {
    const trip = this.trips.get(tripId);
    if (trip && (trip.outcome === 'searching' || trip.outcome === 'matched')) trip.outcome = outcome;
  }

  error(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  /** Share of driver-time between accept and the end of the job (trip or roadside), over [warmup, end]. */
  private utilisation(endMs: number): number {
    const window = Math.max(1, endMs - this.warmupMs) * Math.max(1, this.drivers);
    let onTrip = 0;
    for (const spans of this.busy.values()) {
      for (const [from, to] of spans)
        onTrip += Math.max(0, Math.min(to ?? endMs, endMs) - Math.max(from, this.warmupMs));
    }
    return onTrip / window;
  }

  report(args: {
    mode: string;
    settings: Record<string, unknown>;
    endMs: number;
    realSeconds: number;
    httpLatencyMs: number[];
    batches: Report['batches'];
    /** Drivers with an open fraud flag at the end, when the run had faults. */
    flagged?: Set<string>;
  }): Report {
    const latency = [...args.httpLatencyMs].sort((a, b) => a - b);
    const counted = [...this.trips.values()].filter((t) => t.requestedAt >= this.warmupMs);
    const matched = counted.filter((t) => t.matchedAt !== undefined);
    const searching = counted.filter((t) => t.outcome === 'searching').length;
    const waits = matched.map((t) => (t.matchedAt! - t.requestedAt) / 1000).sort((a, b) => a - b);
    const pickups = matched.map((t) => t.pickupDistanceM!).sort((a, b) => a - b);
    const count = (o: Outcome) => counted.filter((t) => t.outcome === o).length;
    // Still searching at the end: neither matched nor failed, so out of the rate.
    const decided = counted.length - searching;
    return {
      mode: args.mode,
      settings: args.settings,
      simMinutes: round(args.endMs / 60_000, 2)!,
      realSeconds: round(args.realSeconds, 1)!,
      requests: counted.length,
      blocked: this.blocked,
      matched: matched.length,
      matchRate: round(decided === 0 ? 0 : matched.length / decided, 3)!,
      timeToMatchS: {
        p50: round(quantile(waits, 0.5), 1),
        p95: round(quantile(waits, 0.95), 1),
        mean: round(mean(waits), 1),
      },
      pickupDistanceM: {
        p50: round(quantile(pickups, 0.5)),
        mean: round(mean(pickups)),
        p95: round(quantile(pickups, 0.95)),
      },
      utilisation: round(this.utilisation(args.endMs), 3)!,
      completed: count('completed'),
      cancellations: {
        rider: count('cancelled_rider'),
        driver: count('cancelled_driver'),
        noDrivers: count('no_drivers'),
      },
      unresolvedAtEnd: { searching, onTrip: count('matched') },
      offers: { ...this.offers },
      httpLatencyMs: {
        p50: round(quantile(latency, 0.5), 1),
        p95: round(quantile(latency, 0.95), 1),
        calls: latency.length,
      },
      batches: args.batches,
      ...(args.flagged
        ? { faults: this.faults.report((id) => this.trips.get(id)?.outcome === 'matched', args.flagged) }
        : {}),
      roadside: this.roadside.report(),
      errors: { ...this.errors },
    };
  }
}

export function formatReport(r: Report): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const s = (x: number | null, unit: string) => (x === null ? 'n/a' : `${x} ${unit}`);
  const errors =
    Object.entries(r.errors)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'none';
  return [
    `SmartLine city simulation (${r.mode}): ${r.simMinutes} simulated min in ${r.realSeconds} s`,
    `  ride requests      ${r.requests} (${r.blocked} arrivals skipped: no idle rider)`,
    `  match rate         ${pct(r.matchRate)} (${r.matched} matched)`,
    `  time to match      p50 ${s(r.timeToMatchS.p50, 's')}, p95 ${s(r.timeToMatchS.p95, 's')}`,
    `  pickup distance    p50 ${s(r.pickupDistanceM.p50, 'm')}, mean ${s(r.pickupDistanceM.mean, 'm')}, p95 ${s(r.pickupDistanceM.p95, 'm')}`,
    `  driver utilisation ${pct(r.utilisation)}`,
    `  completed          ${r.completed}`,
    `  cancellations      rider ${r.cancellations.rider}, driver ${r.cancellations.driver}, no_drivers ` +
      `${r.cancellations.noDrivers}`,
    `  at the end         ${r.unresolvedAtEnd.searching} searching, ${r.unresolvedAtEnd.onTrip} on a trip`,
    `  offers (whole run) ${r.offers.received} received, ${r.offers.accepted} won, ${r.offers.lost} lost the race, ` +
      `${r.offers.declined} declined, ${r.offers.expired} expired unanswered`,
    `  HTTP latency       p50 ${s(r.httpLatencyMs.p50, 'ms')}, p95 ${s(r.httpLatencyMs.p95, 'ms')} real time over ${r.httpLatencyMs.calls} calls`,
    ...(r.batches && r.batches.solves > 0
      ? [`  batches            ${r.batches.solves} solves, ${r.batches.meanTrips} trips each on average`]
      : []),
    ...(r.roadside.requested > 0 || r.roadside.offers.received > 0 ? formatRoadside(r.roadside) : []),
    ...(r.faults ? formatFaults(r.faults) : []),
    `  errors             ${errors}`,
  ].join('\n');
}
