/** What the simulator measures of roadside jobs (issue 18), next to rides. Times are simulated milliseconds. */
import { quantile } from './stats.js';

export type RoadsideOutcome = 'searching' | 'assigned' | 'completed' | 'cancelled' | 'declined_quote' | 'no_providers';

interface JobRecord {
  requestedAt: number;
  serviceType: string;
  /** When the provider's accept succeeded. */
  assignedAt?: number;
  /** When the provider reported `arrived` at the breakdown. */
  arrivedAt?: number;
  outcome: RoadsideOutcome;
}

export interface RoadsideReport {
  requested: number;
  assigned: number;
  completed: number;
  /** Ended without help: nobody accepted (`no_providers`), or cancelled. */
  noProviders: number;
  cancelled: number;
  /** Request → a provider's accept succeeded. */
  timeToAssignmentS: { p50: number | null; p95: number | null };
  /** Request → the provider reported `arrived` at the breakdown (what the customer waited on the roadside). */
  timeToArrivalS: { p50: number | null; p95: number | null };
  unresolvedAtEnd: { searching: number; onJob: number };
  offers: { received: number; accepted: number; declined: number; lost: number; expired: number };
  byType: Record<string, number>;
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function percentiles(seconds: number[]): { p50: number | null; p95: number | null } {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { p50: round1(quantile(sorted, 0.5)), p95: round1(quantile(sorted, 0.95)) };
}

export class RoadsideStats {
  private readonly jobs = new Map<string, JobRecord>();
  readonly offers = { received: 0, accepted: 0, declined: 0, lost: 0, expired: 0 };

  /** Requests made before `warmupMs` are left out, as rides are. */
  constructor(private readonly warmupMs: number) {}

  requested(requestId: string, serviceType: string, at: number): void {
    this.jobs.set(requestId, { requestedAt: at, serviceType, outcome: 'searching' });
  }

  assigned(requestId: string, at: number): void {
    const job = this.jobs.get(requestId);
    if (job && job.assignedAt === undefined) Object.assign(job, { assignedAt: at, outcome: 'assigned' });
  }

  arrived(requestId: string, at: number): void {
    const job = this.jobs.get(requestId);
    if (job) job.arrivedAt ??= at;
  }

  ended(requestId: string, outcome: Exclude<RoadsideOutcome, 'searching' | 'assigned'>): void {
    const job = this.jobs.get(requestId);
    if (job && (job.outcome === 'searching' || job.outcome === 'assigned')) job.outcome = outcome;
  }

  /** Requests still open (for a shared server to tidy up at the end). */
  open(): string[] {
    return [...this.jobs].filter(([, j]) => j.outcome === 'searching' || j.outcome === 'assigned').map(([id]) => id);
  }

  report(): RoadsideReport {
    const counted = [...this.jobs.values()].filter((j) => j.requestedAt >= this.warmupMs);
    const assigned = counted.filter((j) => j.assignedAt !== undefined);
    const arrived = counted.filter((j) => j.arrivedAt !== undefined);
    const count = (o: RoadsideOutcome) => counted.filter((j) => j.outcome === o).length;
    const byType: Record<string, number> = {};
    for (const j of counted) byType[j.serviceType] = (byType[j.serviceType] ?? 0) + 1;
    return {
      requested: counted.length,
      assigned: assigned.length,
      completed: count('completed'),
      noProviders: count('no_providers'),
      cancelled: count('cancelled') + count('declined_quote'),
      timeToAssignmentS: percentiles(assigned.map((j) => (j.assignedAt! - j.requestedAt) / 1000)),
      timeToArrivalS: percentiles(arrived.map((j) => (j.arrivedAt! - j.requestedAt) / 1000)),
      unresolvedAtEnd: { searching: count('searching'), onJob: count('assigned') },
      offers: { ...this.offers },
      byType,
    };
  }
}

export function formatRoadside(r: RoadsideReport): string[] {
  const s = (x: number | null) => (x === null ? 'n/a' : `${x} s`);
  const types =
    Object.entries(r.byType)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return [
    `  roadside jobs      ${r.requested} requested (${types}), ${r.assigned} assigned, ${r.completed} completed, ` +
      `${r.noProviders} no_providers, ${r.cancelled} cancelled`,
    `  roadside wait      assignment p50 ${s(r.timeToAssignmentS.p50)}, p95 ${s(r.timeToAssignmentS.p95)}; ` +
      `arrival p50 ${s(r.timeToArrivalS.p50)}, p95 ${s(r.timeToArrivalS.p95)} (from the request)`,
    `  roadside at end    ${r.unresolvedAtEnd.searching} searching, ${r.unresolvedAtEnd.onJob} with a provider`,
    `  roadside offers    ${r.offers.received} received, ${r.offers.accepted} won, ${r.offers.lost} lost the race, ` +
      `${r.offers.declined} declined, ${r.offers.expired} expired unanswered`,
  ];
}
