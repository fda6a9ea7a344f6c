import { Histogram } from 'prom-client';
import type { Db } from '../../platform/db/database.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { Logger } from '../../platform/observability/logger.js';
import { tripRecords } from '../trips/index.js';
import { assignGreedy, assignOptimal, type CostMatrix } from './assignment.js';
import type { Candidate, CandidateResult } from './candidates.js';
import type { RoundRunner } from './rounds.js';
import { tripJob } from './trip-job.js';

/** Candidates considered per trip in a batch: enough for the solver to find alternatives. */
const BATCH_CANDIDATES = 10;

const batchSize = new Histogram({
  name: 'smartline_dispatch_batch_size',
  help: 'Trips solved together by batched assignment',
  buckets: [1, 2, 5, 10, 20, 50, 100],
  registers: [metricsRegistry],
});

export type BatchMode = 'greedy' | 'munkres';

/**
 * Batched assignment (DESIGN "Dispatch", optional): first rounds are
 * collected for a short window, then drivers are assigned to the whole batch
 * at once — greedily in arrival order, or minimising total pickup distance
 * with the Hungarian algorithm. Each trip's first round offers only its
 * assigned driver; later rounds are the strategy's normal rounds. A trip the
 * solver could not serve gets a normal first round.
 */
export class BatchAssigner {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { db: Db; rounds: RoundRunner; log: Logger },
    private readonly mode: BatchMode,
    private readonly windowMs: number,
  ) {}

  add(tripId: string): void {
    this.pending.push(tripId);
    this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
  }

  async flush(): Promise<void> {
    const tripIds = this.pending.splice(0);
    this.timer = undefined;
    if (tripIds.length === 0) return;
    batchSize.observe(tripIds.length);
    try {
      const plans = await this.planAll(tripIds);
      const assigned = this.solve(plans);
      await Promise.all(
        tripIds.map((tripId, i) =>
          this.deps.rounds
            .run(tripId, 1, assigned[i] ? { preplanned: assigned[i] } : {})
            .catch((err: unknown) => this.deps.log.warn({ err, tripId }, 'batched round failed; job will retry')),
        ),
      );
    } catch (err) {
      this.deps.log.warn({ err }, 'batched assignment failed; first rounds fall back to their jobs');
    }
  }

  private async planAll(tripIds: string[]): Promise<Array<CandidateResult | null>> {
    return Promise.all(
      tripIds.map(async (id) => {
        const trip = await tripRecords.find(this.deps.db, id);
        return trip && trip.status === 'searching' ? this.deps.rounds.plan(tripJob(trip), BATCH_CANDIDATES) : null;
      }),
    );
  }

  /** One preplanned single-driver round per trip that got a driver. */
  private solve(plans: Array<CandidateResult | null>): Array<CandidateResult | undefined> {
    const driverIds = [
      ...new Set(plans.flatMap((p) => p?.candidates.slice(0, BATCH_CANDIDATES).map((c) => c.driverId) ?? [])),
    ];
    const column = new Map(driverIds.map((id, i) => [id, i]));
    const byTrip = plans.map(
      (p) => new Map((p?.candidates.slice(0, BATCH_CANDIDATES) ?? []).map((c) => [c.driverId, c])),
    );
    const cost: CostMatrix = byTrip.map((cands) => driverIds.map((id) => cands.get(id)?.distanceM ?? null));
    const pairs = this.mode === 'munkres' ? assignOptimal(cost) : assignGreedy(cost);
    const result: Array<CandidateResult | undefined> = plans.map(() => undefined);
    for (const [t, d] of pairs) {
      const candidate: Candidate | undefined = byTrip[t]?.get(driverIds[d]!);
      if (candidate && column.has(candidate.driverId))
        result[t] = { candidates: [candidate], radiusM: plans[t]!.radiusM };
    }
    return result;
  }
}
