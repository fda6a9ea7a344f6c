import type { Db, Tx } from '../../platform/db/database.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeHub } from '../../platform/realtime/emitter.js';
import { runUnitOfWork, type EventRecorder } from '../../platform/events/unit-of-work.js';
import { JobPriority } from '../../platform/jobs/task.js';
import { driverStates } from '../drivers/index.js';
import { countOfferOutcome, moveTrip, offerTrip, type TripRow, tripOffers, tripRecords } from '../trips/index.js';
import { findCandidates, offersCounterKey, type CandidateResult } from './candidates.js';
import { findDispatch, updateDispatch, type DispatchRow } from './dispatch.repo.js';
import { dispatchJobKey, dispatchRoundTask } from './dispatch-round.task.js';
import { FAIRNESS_WINDOW_MS } from './scoring.js';
import { STRATEGY_RULES, roundDurationMs, selectionDurationMs, waitRetryMs, type Strategy } from './strategy.js';
import { WaitingTrips } from './waiting.js';
import { firstOfferSeconds, offersTotal, roundsTotal } from './dispatch.metrics.js';

/** A round job fires this long after its offers expire, so a last-moment accept lands first. */
const JOB_GRACE_MS = 250;
const SEARCHABLE: TripRow['status'][] = ['searching', 'scheduled'];

export type RoundOutcome =
  | { kind: 'stale' }
  | { kind: 'closed' }
  | { kind: 'selecting'; bids: number }
  | { kind: 'no_drivers' }
  | { kind: 'waiting'; retryAt: Date }
  | { kind: 'offered' | 'empty'; offered: string[]; expiresAt: Date };

/** What the round transaction decided (`trip` is only needed after commit, to send the offers). */
type Committed =
  | Exclude<RoundOutcome, { kind: 'offered' | 'empty' }>
  | { kind: 'offered' | 'empty'; offered: string[]; expiresAt: Date; trip: TripRow };

export interface RoundDeps {
  db: Db;
  bus: EventBus;
  jobs: JobQueue;
  log: Logger;
  /** `trip:offer` to the offered drivers. */
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
    const [trip, dispatch] = await Promise.all([tripRecords.find(this.db, tripId), findDispatch(this.db, tripId)]);
    if (!trip || !dispatch) return { kind: 'stale' };
    if (!SEARCHABLE.includes(trip.status)) return this.closeFinished(trip, dispatch);
    if (round <= dispatch.round) return { kind: 'stale' };
    if (
      dispatch.strategy === 'broadcast_bid' &&
      dispatch.phase === 'offering' &&
      (await tripOffers.countPendingBids(this.db, tripId)) > 0
    ) {
      return this.openSelection(tripId, round, dispatch.strategy);
    }
    const rules = STRATEGY_RULES[dispatch.strategy];
    const plan = round > rules.maxRounds ? null : (opts.preplanned ?? (await this.plan(trip, rules.driversPerRound)));
    return this.commit(tripId, round, dispatch.strategy, plan);
  }

  /** Ranked candidates for the trip, excluding everyone already offered it. */
  async plan(trip: TripRow, needed: number): Promise<CandidateResult> {
    const offered = await tripOffers.list(this.db, trip.id);
    return findCandidates(
      { db: this.db, hotState: this.deps.hotState },
      {
        riderId: trip.rider_id,
        pickup: { lat: trip.pickup_lat, lng: trip.pickup_lng },
        vehicleClass: trip.vehicle_class,
        excludeIds: offered.map((o) => o.driver_id),
        needed,
        degraded: this.deps.isMatchingDegraded(),
      },
      new Date(),
    );
  }

  private async commit(
    tripId: string,
    round: number,
    strategy: Strategy,
    plan: CandidateResult | null,
  ): Promise<RoundOutcome> {
    let expired = 0; // counted once committed (a retried transaction starts over)
    const outcome = await runUnitOfWork(this.db, this.deps.bus, async (tx, events): Promise<Committed> => {
      expired = 0;
      const trip = await tripRecords.lock(tx, tripId);
      const dispatch = await findDispatch(tx, tripId);
      if (!trip || !dispatch || round <= dispatch.round || !SEARCHABLE.includes(trip.status))
        return { kind: 'stale' as const };
      const closed = plan
        ? await tripOffers.expireEarlierRounds(tx, tripId, round)
        : await tripOffers.closePending(tx, tripId, 'expired');
      expired = closed.length;
      // After a selection window only bids were open: not picked is not the driver's fault.
      await this.releaseDrivers(tx, closed, { missed: dispatch.phase !== 'selecting' });
      if (!plan) {
        await moveTrip(tx, events, { trip, to: 'no_drivers', actorId: null });
        await updateDispatch(tx, tripId, { round, phase: 'done', round_expires_at: null });
        return { kind: 'no_drivers' as const };
      }
      const live =
        trip.status === 'scheduled' ? await moveTrip(tx, events, { trip, to: 'searching', actorId: null }) : trip;
      return this.offerRound(tx, events, { trip: live, round, strategy, plan });
    });
    roundsTotal.inc({ strategy, outcome: outcome.kind });
    countOfferOutcome('expired', expired);
    this.wake(expired);
    if (outcome.kind === 'offered') this.afterOffers(outcome.trip, outcome.offered, outcome.expiresAt, round);
    if (outcome.kind === 'offered' || outcome.kind === 'empty')
      return { kind: outcome.kind, offered: outcome.offered, expiresAt: outcome.expiresAt };
    return outcome;
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
    a: { trip: TripRow; round: number; strategy: Strategy; plan: CandidateResult },
  ): Promise<Committed> {
    const { trip, round, strategy, plan } = a;
    const timeScale = this.deps.timeScale;
    const offered = await driverStates.claimForOffer(
      tx,
      plan.candidates.map((c) => c.driverId),
      STRATEGY_RULES[strategy].driversPerRound,
    );
    if (offered.length === 0 && (plan.candidates.length > 0 || (plan.held ?? 0) > 0)) {
      const retryAt = new Date(Date.now() + waitRetryMs(strategy, timeScale));
      await updateDispatch(tx, trip.id, { phase: 'waiting', radius_m: plan.radiusM, round_expires_at: retryAt });
      await this.scheduleRound(tx, trip.id, round, retryAt);
      return { kind: 'waiting', retryAt };
    }
    const expiresAt = new Date(Date.now() + roundDurationMs(strategy, timeScale));
    if (offered.length > 0) await offerTrip(tx, { tripId: trip.id, driverIds: offered, round, expiresAt });
    await this.recordOffers(events, trip.id, offered, round, expiresAt);
    await updateDispatch(tx, trip.id, {
      round,
      phase: 'offering',
      radius_m: plan.radiusM,
      round_expires_at: expiresAt,
      firstOfferNow: offered.length > 0,
    });
    await this.scheduleRound(tx, trip.id, round + 1, expiresAt);
    return { kind: offered.length > 0 ? 'offered' : 'empty', offered, expiresAt, trip };
  }

  /** broadcast_bid: the collection window closed with bids; the rider now has a while to pick one. */
  private async openSelection(tripId: string, round: number, strategy: Strategy): Promise<RoundOutcome> {
    const until = new Date(Date.now() + selectionDurationMs(strategy, this.deps.timeScale));
    let expired = 0;
    const outcome = await runUnitOfWork(this.db, this.deps.bus, async (tx) => {
      expired = 0;
      const trip = await tripRecords.lock(tx, tripId);
      const dispatch = await findDispatch(tx, tripId);
      if (!trip || !dispatch || trip.status !== 'searching' || dispatch.phase !== 'offering' || round <= dispatch.round)
        return { kind: 'stale' as const };
      const unbid = await tripOffers.expireUnbid(tx, tripId);
      expired = unbid.length;
      await this.releaseDrivers(tx, unbid, { missed: true });
      const bids = await tripOffers.extendBids(tx, tripId, until);
      await updateDispatch(tx, tripId, { phase: 'selecting', round_expires_at: until });
      await this.scheduleRound(tx, tripId, round, until);
      return { kind: 'selecting' as const, bids };
    });
    roundsTotal.inc({ strategy, outcome: outcome.kind });
    countOfferOutcome('expired', expired);
    return outcome;
  }

  /**
   * A round fired for a trip that is no longer searching (accepted,
   * cancelled, timed out): nothing to offer. Drivers whose offer on it was
   * closed without their state being reset (the search-timeout job does not
   * know about driver states) are released if they hold no other open offer.
   */
  private async closeFinished(trip: TripRow, dispatch: DispatchRow): Promise<RoundOutcome> {
    if (dispatch.phase === 'done') return { kind: 'closed' };
    await runUnitOfWork(this.db, this.deps.bus, async (tx) => {
      await updateDispatch(tx, trip.id, { phase: 'done', round_expires_at: null });
      const closed = (await tripOffers.list(tx, trip.id))
        .filter((o) => o.status === 'expired' || o.status === 'withdrawn')
        .map((o) => o.driver_id);
      const busyElsewhere = await tripOffers.driversWithOpenOffers(tx, closed);
      await this.releaseDrivers(
        tx,
        closed.filter((id) => !busyElsewhere.has(id)),
        { missed: false },
      );
    });
    return { kind: 'closed' };
  }

  /** offered → available; `missed` (timed out, never answered) also counts against acceptance. */
  async releaseDrivers(tx: Tx, driverIds: string[], opts: { missed: boolean }): Promise<void> {
    await driverStates.releaseOffered(tx, driverIds, opts);
  }

  private async recordOffers(
    events: EventRecorder,
    tripId: string,
    driverIds: string[],
    round: number,
    expiresAt: Date,
  ) {
    for (const driverId of driverIds) {
      await events.record({
        type: 'trip.offered',
        aggregateType: 'trip',
        aggregateId: tripId,
        actorId: null,
        payload: { tripId, driverId, round, expiresAt: expiresAt.toISOString() },
      });
    }
  }

  async scheduleRound(tx: Tx, tripId: string, round: number, at: Date): Promise<void> {
    await this.deps.jobs.enqueue(
      tx,
      dispatchRoundTask,
      { tripId, round },
      {
        jobKey: dispatchJobKey(tripId),
        runAt: new Date(at.getTime() + JOB_GRACE_MS),
        priority: JobPriority.HIGH,
      },
    );
  }

  /** After commit: tell each driver, count offers for fairness, measure request → first offer. */
  private afterOffers(trip: TripRow, driverIds: string[], expiresAt: Date, round: number) {
    const payload = {
      tripId: trip.id,
      pickup: place(trip.pickup_lat, trip.pickup_lng, trip.pickup_address),
      dropoff: place(trip.dropoff_lat, trip.dropoff_lng, trip.dropoff_address),
      fareEstimate: { amount: trip.fare_amount, currency: trip.fare_currency },
      expiresAt: expiresAt.toISOString(),
      strategy: trip.strategy,
      round,
    };
    for (const driverId of driverIds) this.deps.realtime.toUser(driverId, 'trip:offer', payload);
    offersTotal.inc({ strategy: trip.strategy }, driverIds.length);
    if (round === 1 && trip.strategy !== 'scheduled')
      firstOfferSeconds.observe(Math.max(0, Date.now() - trip.created_at.getTime()) / 1000);
    void Promise.all(
      driverIds.map((id) => this.deps.hotState.incrementWindowCounter(offersCounterKey(id), FAIRNESS_WINDOW_MS)),
    ).catch((err: unknown) => this.deps.log.warn({ err }, 'dispatch: fairness counters not updated'));
  }
}

function place(lat: number, lng: number, address: string | null) {
  return address ? { lat, lng, address } : { lat, lng };
}
