import type { Db, Tx } from '../../platform/db/database.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeHub } from '../../platform/realtime/emitter.js';
import { runUnitOfWork, type EventRecorder } from '../../platform/events/unit-of-work.js';
import { driverStates } from '../drivers/index.js';
import { countOfferOutcome, tripOffers } from '../trips/index.js';
import { trustBlocks } from '../trust/index.js';
import { findCandidates, offersCounterKey, type CandidateResult } from './candidates.js';
import { findDispatch, updateDispatch, type DispatchRow } from './dispatch.repo.js';
import { FAIRNESS_WINDOW_MS } from './scoring.js';
import { lastRound, roundDurationMs, roundShape, waitRetryMs, type Strategy } from './strategy.js';
import { closeFinished, openSelection, scheduleRound } from './round-endings.js';
import { WaitingTrips } from './waiting.js';
import type { DispatchJob, JobKind, JobPort } from './job-port.js';
import { servicePort } from './service-job.js';
import { tripPort } from './trip-job.js';
import { firstOfferSeconds, offersTotal, roundsTotal } from './dispatch.metrics.js';

/** The engine's one entry per job kind (job-port.ts). */
const PORTS: Readonly<Record<JobKind, JobPort>> = { trip: tripPort, service_request: servicePort };
export const portOf = (kind: JobKind) => PORTS[kind];

export type RoundOutcome =
  | { kind: 'stale' }
  | { kind: 'closed' }
  | { kind: 'selecting'; bids: number }
  | { kind: 'no_drivers' }
  | { kind: 'waiting'; retryAt: Date }
  | { kind: 'offered' | 'empty'; offered: string[]; expiresAt: Date };

/** What the round transaction decided (`job` is only needed after commit, to send the offers). */
type Committed =
  | Exclude<RoundOutcome, { kind: 'offered' | 'empty' }>
  | { kind: 'offered' | 'empty'; offered: string[]; expiresAt: Date; job: DispatchJob; distances: Map<string, number> };

export interface RoundDeps {
  db: Db;
  bus: EventBus;
  jobs: JobQueue;
  log: Logger;
  /** `trip:offer` / `request:offer` to the offered providers. */
  realtime: RealtimeHub;
  hotState: HotState;
  /** MATCHING_DEGRADED: nearest available drivers, no scoring. */
  isMatchingDegraded: () => boolean;
  /** DISPATCH_TIME_SCALE: tests and the simulator shrink every round. */
  timeScale: number;
}

export interface RoundOptions {
  /** Pre-computed candidates (batched assignment decides them for a whole window at once). */
  preplanned?: CandidateResult;
  /**
   * Round 1 right after the request transaction committed this job with a new dispatch row: the caller knows
   * what reading them back would return (round 0, no offers), so the round skips those reads. The round
   * transaction still re-reads both under the job's lock, so a cancel or a faster round in between is seen.
   */
  justRequested?: { job: DispatchJob; strategy: Strategy };
}

export type StartedSearch = Pick<DispatchRow, 'round' | 'strategy' | 'phase'>;

/**
 * Runs offer rounds: expire the previous round's offers (drivers back to
 * available; a timeout counts against acceptance), pick and claim drivers
 * (compare-and-set available → offered), insert offers, schedule the next
 * round — one transaction under the trip row lock — then emit `trip:offer`.
 */
export class RoundRunner {
  /** Trips waiting here for a held driver to come free (see `offerRound`). */
  readonly waiting = new WaitingTrips();

  constructor(private readonly deps: RoundDeps) {}

  private get db() {
    return this.deps.db;
  }

  async run(tripId: string, round: number, opts: RoundOptions = {}): Promise<RoundOutcome> {
    const outcome = await this.runOnce(tripId, round, opts);
    // A stale run says nothing about the trip's current round.
    if (outcome.kind !== 'stale') this.waiting.note(tripId, round, outcome.kind === 'waiting');
    return outcome;
  }

  /**
   * Drivers just came free (`freed` of them): that many of the longest-waiting
   * trips run their round now rather than at their retry timer. Failures
   * are logged only: the retry job is still scheduled.
   */
  wake(freed: number): void {
    for (const { tripId, round } of this.waiting.take(freed)) {
      this.run(tripId, round)
        .catch((err: unknown) =>
          this.deps.log.warn({ err, tripId, round }, 'dispatch: woken round failed; its retry job stays'),
        )
        .finally(() => this.waiting.settle(tripId));
    }
  }

  private async runOnce(tripId: string, round: number, opts: RoundOptions): Promise<RoundOutcome> {
    const known = opts.justRequested;
    const read = known
      ? { job: known.job, dispatch: { round: 0, strategy: known.strategy, phase: 'waiting' } as const }
      : await this.readJob(tripId);
    if (!read) return { kind: 'stale' };
    const { job, dispatch } = read;
    if (!job.searchable) return closeFinished(this.deps, job, dispatch);
    if (round <= dispatch.round) return { kind: 'stale' };
    if (
      dispatch.strategy === 'broadcast_bid' &&
      dispatch.phase === 'offering' &&
      (await tripOffers.countPendingBids(this.db, tripId)) > 0
    ) {
      return openSelection(this.deps, { tripId, round, strategy: dispatch.strategy });
    }
    const { driversPerRound } = roundShape(dispatch.strategy, round);
    const plan =
      round > lastRound(dispatch.strategy)
        ? null
        : (opts.preplanned ?? (await this.plan(job, driversPerRound, { offeredYet: !known })));
    return this.commit(job, round, dispatch.strategy, plan);
  }

  private async readJob(jobId: string): Promise<{ job: DispatchJob; dispatch: StartedSearch } | undefined> {
    const dispatch = await findDispatch(this.db, jobId);
    const job = dispatch && (await portOf(dispatch.kind).find(this.db, jobId));
    return job && dispatch ? { job, dispatch } : undefined;
  }

  /**
   * Ranked candidates for the job, excluding everyone already offered it and
   * everyone the customer blocked or was blocked by (issue 16: a blocked pair is
   * never offered to each other; the hot geo search skips them), and anyone the
   * job's kind rules out (a service job: no approved skill, outside the area).
   */
  async plan(job: DispatchJob, needed: number, opts = { offeredYet: true }): Promise<CandidateResult> {
    const [offered, blocked] = await Promise.all([
      opts.offeredYet ? tripOffers.list(this.db, job.id) : [],
      trustBlocks.partnersOf(this.db, job.customerId),
    ]);
    return findCandidates(
      { db: this.db, hotState: this.deps.hotState },
      {
        riderId: job.customerId,
        pickup: job.point,
        vehicleClass: job.vehicleClass,
        excludeIds: [...offered.map((o) => o.driver_id), ...blocked],
        needed,
        degraded: this.deps.isMatchingDegraded(),
        eligible: (ids) => portOf(job.kind).filterEligible(this.db, job, ids),
      },
      new Date(),
    );
  }

  private async commit(
    read: DispatchJob,
    round: number,
    strategy: Strategy,
    plan: CandidateResult | null,
  ): Promise<RoundOutcome> {
    const port = portOf(read.kind);
    const jobId = read.id;
    let expired = 0; // counted once committed (a retried transaction starts over)
    const outcome = await runUnitOfWork(this.db, this.deps.bus, async (tx, events): Promise<Committed> => {
      expired = 0;
      const job = await port.lock(tx, jobId);
      const dispatch = await findDispatch(tx, jobId);
      if (!job || !dispatch || round <= dispatch.round || !job.searchable) return { kind: 'stale' as const };
      const closed = await this.closeEarlierOffers(tx, jobId, round, plan !== null);
      expired = closed.length;
      await port.enqueuePush(tx, this.deps.jobs, { jobId, kind: 'withdrawn', driverIds: closed });
      // After a selection window only bids were open: not picked is not the driver's fault.
      await this.releaseDrivers(tx, closed, { missed: dispatch.phase !== 'selecting' });
      if (!plan) {
        await port.endWithoutProvider(tx, events, job);
        await updateDispatch(tx, jobId, { round, phase: 'done', round_expires_at: null });
        return { kind: 'no_drivers' as const };
      }
      const live = await port.beginSearch(tx, events, job);
      return this.offerRound(tx, events, { job: live, round, strategy, plan });
    });
    roundsTotal.inc({ strategy, outcome: outcome.kind });
    countOfferOutcome('expired', expired);
    this.wake(expired);
    if (outcome.kind === 'offered') this.afterOffers(outcome, { round, strategy });
    if (outcome.kind === 'offered' || outcome.kind === 'empty')
      return { kind: outcome.kind, offered: outcome.offered, expiresAt: outcome.expiresAt };
    return outcome;
  }

  /** Before round 1 no round has offered anything (a restarted search counts from 1 again): nothing to expire. */
  private async closeEarlierOffers(tx: Tx, jobId: string, round: number, planned: boolean): Promise<string[]> {
    if (!planned) return tripOffers.closePending(tx, jobId, 'expired');
    return round > 1 ? tripOffers.expireEarlierRounds(tx, jobId, round) : [];
  }

  /**
   * Claims the round's drivers and sends their offers. When nobody could be
   * claimed although drivers are near (each holds another trip's offer, or
   * another round claimed them first), the round has not happened: the trip
   * waits (phase `waiting`, same round number) and tries again shortly. Under
   * a burst of requests the first trips hold every driver for a moment; were
   * such rounds counted, the later trips would spend all their rounds without
   * a single offer and end `no_drivers` while drivers sat idle. Waiting is
   * bounded by the trip's search timeout; a round with nobody near at all
   * still counts.
   */
  private async offerRound(
    tx: Tx,
    events: EventRecorder,
    a: { job: DispatchJob; round: number; strategy: Strategy; plan: CandidateResult },
  ): Promise<Committed> {
    const { job, round, strategy, plan } = a;
    const port = portOf(job.kind);
    const timeScale = this.deps.timeScale;
    const offered = await driverStates.claimForOffer(
      tx,
      plan.candidates.map((c) => c.driverId),
      roundShape(strategy, round).driversPerRound,
    );
    if (offered.length === 0 && (plan.candidates.length > 0 || (plan.held ?? 0) > 0)) {
      const retryAt = new Date(Date.now() + waitRetryMs(strategy, timeScale));
      await updateDispatch(tx, job.id, { phase: 'waiting', radius_m: plan.radiusM, round_expires_at: retryAt });
      await this.scheduleRound(tx, job.id, round, retryAt);
      return { kind: 'waiting', retryAt };
    }
    const expiresAt = new Date(Date.now() + roundDurationMs(strategy, timeScale, round));
    const distances = new Map(plan.candidates.map((c) => [c.driverId, c.distanceM]));
    if (offered.length > 0) {
      const scores = plan.scored ? new Map(plan.candidates.map((c) => [c.driverId, c.score])) : undefined;
      await tripOffers.insertForJob(tx, {
        jobId: job.id,
        driverIds: offered,
        round,
        expiresAt,
        distancesM: distances,
        scores,
      });
      await port.enqueuePush(tx, this.deps.jobs, { jobId: job.id, kind: 'offer', round });
    }
    const sent = offered.map((driverId) => ({
      driverId,
      round,
      expiresAt,
      distanceM: distances.get(driverId) ?? null,
    }));
    await port.recordOffers(events, job, sent);
    await updateDispatch(tx, job.id, {
      round,
      phase: 'offering',
      radius_m: plan.radiusM,
      round_expires_at: expiresAt,
      firstOfferNow: offered.length > 0,
    });
    await this.scheduleRound(tx, job.id, round + 1, expiresAt);
    return { kind: offered.length > 0 ? 'offered' : 'empty', offered, expiresAt, job, distances };
  }

  /** offered → available; `missed` (timed out, never answered) also counts against acceptance. */
  async releaseDrivers(tx: Tx, driverIds: string[], opts: { missed: boolean }): Promise<void> {
    await driverStates.releaseOffered(tx, driverIds, opts);
  }

  async scheduleRound(tx: Tx, tripId: string, round: number, at: Date): Promise<void> {
    await scheduleRound(this.deps.jobs, tx, { tripId, round, at });
  }

  /** After commit: tell each provider, count offers for fairness, measure request → first offer. */
  private afterOffers(
    committed: { job: DispatchJob; offered: string[]; expiresAt: Date; distances: Map<string, number> },
    a: { round: number; strategy: Strategy },
  ) {
    const { job, offered: driverIds, expiresAt, distances } = committed;
    const { round, strategy } = a;
    for (const driverId of driverIds) {
      const offer = { driverId, distanceM: distances.get(driverId) ?? null, expiresAt, round, strategy };
      portOf(job.kind).sendOffer(this.deps.realtime, job, offer);
    }
    offersTotal.inc({ strategy }, driverIds.length);
    if (round === 1 && strategy !== 'scheduled')
      firstOfferSeconds.observe(Math.max(0, Date.now() - job.createdAt.getTime()) / 1000);
    void Promise.all(
      driverIds.map((id) => this.deps.hotState.incrementWindowCounter(offersCounterKey(id), FAIRNESS_WINDOW_MS)),
    ).catch((err: unknown) => this.deps.log.warn({ err }, 'dispatch: fairness counters not updated'));
  }
}
