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
import { findCandidates, type CandidateResult } from './candidates.js';
import { findDispatch, insertDispatch, updateDispatch, type DispatchRow, type DispatchState } from './dispatch.repo.js';
import { lastRound, roundDurationMs, roundShape, waitRetryMs, type Strategy } from './strategy.js';
import { closeFinished, openSelection, scheduleRound } from './round-endings.js';
import { WaitingTrips } from './waiting.js';
import type { DispatchJob, SearchedJob } from './job-port.js';
import { portOf } from './ports.js';
import { roundsTotal } from './dispatch.metrics.js';
import { sendRoundOffers } from './offers-out.js';

export type RoundOutcome =
  | { kind: 'stale' }
  | { kind: 'closed' }
  | { kind: 'selecting'; bids: number }
  | { kind: 'no_drivers' }
  | { kind: 'waiting'; retryAt: Date }
  | { kind: 'offered' | 'empty'; offered: string[]; expiresAt: Date };

/** What the round transaction decided (`job` is only needed after commit, to send the offers). */
export type Committed =
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
    const read = await this.readJob(tripId);
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
      round > lastRound(dispatch.strategy) ? null : (opts.preplanned ?? (await this.plan(job, driversPerRound)));
    return this.commit(job, round, dispatch.strategy, plan);
  }

  private async readJob(jobId: string): Promise<{ job: DispatchJob; dispatch: StartedSearch } | undefined> {
    const dispatch = await findDispatch(this.db, jobId);
    const job = dispatch && (await portOf(dispatch.kind).find(this.db, jobId));
    return job && dispatch ? { job, dispatch } : undefined;
  }

  /** `search`, excluding everyone already offered the job. */
  async plan(job: DispatchJob, needed: number): Promise<CandidateResult> {
    const offeredIds = (await tripOffers.list(this.db, job.id)).map((o) => o.driver_id);
    return this.search(job, needed, offeredIds);
  }

  /**
   * Ranked candidates for the job (round 1 of a request is planned before its row exists), excluding `offeredIds`,
   * everyone the customer blocked or was blocked by (issue 16: a blocked pair is never offered to each other), and
   * anyone the job's kind rules out (a service job: no approved skill, outside the area).
   */
  search(job: SearchedJob, needed: number, offeredIds: string[] = []): Promise<CandidateResult> {
    let blocked: Promise<string[]> | undefined;
    // Read only once someone is near (no round trip for an empty area), beside the search's other Postgres checks.
    const blockedPartners = () => (blocked ??= trustBlocks.partnersOf(this.db, job.customerId));
    return findCandidates(
      { db: this.db, hotState: this.deps.hotState },
      {
        riderId: job.customerId,
        pickup: job.point,
        vehicleClass: job.vehicleClass,
        excludeIds: offeredIds,
        needed,
        degraded: this.deps.isMatchingDegraded(),
        eligible: async (ids) => {
          const [partners, allowed] = await Promise.all([
            blockedPartners(),
            portOf(job.kind).filterEligible(this.db, job, ids),
          ]);
          const out = new Set(allowed ? ids.filter((id) => allowed.has(id)) : ids);
          for (const id of partners) out.delete(id);
          return out;
        },
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
    countOfferOutcome('expired', expired);
    this.wake(expired);
    return this.settle(outcome, { round, strategy });
  }

  /**
   * Round 1 inside the transaction that creates the job, from candidates planned before it (`search`): the job's
   * rows are new, so there is nothing to lock, re-read or expire, and the request and its first offers take one
   * commit instead of two. Pass what it returns to `afterFirstRound` once the transaction committed.
   */
  firstRound(
    tx: Tx,
    events: EventRecorder,
    first: { job: DispatchJob; strategy: Strategy; plan: CandidateResult },
  ): Promise<Committed> {
    return this.offerRound(tx, events, { ...first, round: 1, newSearch: true });
  }

  /** After the transaction of `firstRound` committed: the offers out, the metrics, the waiting list. */
  afterFirstRound(jobId: string, committed: Committed, strategy: Strategy): RoundOutcome {
    const outcome = this.settle(committed, { round: 1, strategy });
    this.waiting.note(jobId, 1, outcome.kind === 'waiting');
    return outcome;
  }

  /** After a round's commit: count it, send its offers, and answer without the rows only the sender needs. */
  private settle(outcome: Committed, a: { round: number; strategy: Strategy }): RoundOutcome {
    roundsTotal.inc({ strategy: a.strategy, outcome: outcome.kind });
    if (outcome.kind === 'offered') sendRoundOffers(this.deps, outcome, a);
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
    a: { job: DispatchJob; round: number; strategy: Strategy; plan: CandidateResult; newSearch?: boolean },
  ): Promise<Committed> {
    const { job, round, strategy, plan } = a;
    const port = portOf(job.kind);
    const timeScale = this.deps.timeScale;
    // A new search's row is written once, with the round's state (one statement less in the request).
    const save = (state: DispatchState) =>
      a.newSearch
        ? insertDispatch(tx, { jobId: job.id, strategy, kind: job.kind }, state)
        : updateDispatch(tx, job.id, state);
    const offered = await driverStates.claimForOffer(
      tx,
      plan.candidates.map((c) => c.driverId),
      roundShape(strategy, round).driversPerRound,
    );
    if (offered.length === 0 && (plan.candidates.length > 0 || (plan.held ?? 0) > 0)) {
      const retryAt = new Date(Date.now() + waitRetryMs(strategy, timeScale));
      await save({ phase: 'waiting', radius_m: plan.radiusM, round_expires_at: retryAt });
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
    await save({
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
}
