import type { Tx } from '../../platform/db/database.js';
import { runUnitOfWork, type EventRecorder } from '../../platform/events/unit-of-work.js';
import { driverSummaries, getVisibleTrip, type TripRow, type Viewer, tripOffers } from '../trips/index.js';
import { BatchAssigner } from './batcher.js';
import { findDispatch, insertDispatch, updateDispatch } from './dispatch.repo.js';
import { dispatchRoundTask } from './dispatch-round.task.js';
import type { ServiceRequestRow } from '../service-requests/index.js';
import type { JobPort, SearchedJob } from './job-port.js';
import { offerPushTask, runOfferPush } from './offer-push.js';
import { serviceJob, servicePort } from './service-job.js';
import { tripJob, tripPort } from './trip-job.js';
import { RoundRunner, type Committed, type RoundDeps, type RoundOptions, type RoundOutcome } from './rounds.js';
import type { BatchMode } from './batcher.js';
import type { CandidateResult } from './candidates.js';
import { roundShape, type Strategy } from './strategy.js';

/**
 * When round 1 runs inline right after the request commits, its job is only
 * the safety net (crash between commit and the inline run): it fires this
 * much later and finds the round already done.
 */
const SAFETY_NET_DELAY_MS = 3_000;
const MATCHED: TripRow['status'][] = ['accepted', 'arrived', 'started', 'completed', 'payment_failed'];

export interface DispatcherDeps extends RoundDeps {
  /** DISPATCH_INLINE_FIRST_ROUND: round 1 right after the request commits (the job is the fallback). */
  inlineFirstRound: boolean;
  /** DISPATCH_BATCH_MODE / _WINDOW_MS: first rounds collected over a window and assigned together. */
  batchMode: BatchMode | 'off';
  batchWindowMs: number;
  /** SCHEDULED_OFFER_LEAD_MS: a scheduled trip's first round runs this long before pickup. */
  scheduledLeadMs: number;
}

export type MatchingState = 'scheduled' | 'searching' | 'offers_pending' | 'matched' | 'no_drivers' | 'cancelled';

/** The dispatch module's service: starts searches, runs rounds, keeps driver states in step with offers. */
export class Dispatcher {
  readonly rounds: RoundRunner;
  private readonly batcher: BatchAssigner | undefined;

  constructor(private readonly deps: DispatcherDeps) {
    this.rounds = new RoundRunner(deps);
    const { batchMode: mode, batchWindowMs: windowMs } = deps;
    this.batcher =
      mode === 'off'
        ? undefined
        : new BatchAssigner({ db: deps.db, rounds: this.rounds, log: deps.log }, mode, windowMs);
  }

  private get db() {
    return this.deps.db;
  }

  /** Registers the round job and the bus subscriber; call once per process. */
  install(): void {
    this.deps.jobs.register(dispatchRoundTask, async ({ tripId, round }, ctx) => {
      const outcome = await this.rounds.run(tripId, round);
      ctx.log.debug({ tripId, round, outcome: outcome.kind }, 'dispatch round');
    });
    this.deps.jobs.register(offerPushTask, (push) => runOfferPush(this.deps, push));
    // Another driver won or the trip was cancelled: the other offered drivers are free again.
    this.deps.bus.on('trip.offers_withdrawn', (event) => {
      this.pushWithdrawn(tripPort, event.payload.tripId, event.payload.driverIds);
      return this.releaseWithdrawn(event.payload.driverIds);
    });
    this.deps.bus.on('service_request.offers_withdrawn', (event) => {
      this.pushWithdrawn(servicePort, event.payload.requestId, event.payload.driverIds);
      return this.releaseWithdrawn(event.payload.driverIds);
    });
  }

  /**
   * In a service request's transaction: its dispatch row and round 1, like `startSearch` for a ride. Service jobs
   * run first_accept (the first provider to accept is assigned; no bidding on a breakdown).
   */
  async startServiceSearch(
    tx: Tx,
    request: ServiceRequestRow,
    first?: { events: EventRecorder; plan: CandidateResult | null },
  ): Promise<Committed | undefined> {
    if (first?.plan && request.status === 'searching') {
      return this.rounds.firstRound(tx, first.events, {
        job: serviceJob(request),
        strategy: 'first_accept',
        plan: first.plan,
      });
    }
    await insertDispatch(tx, { jobId: request.id, strategy: 'first_accept', kind: 'service_request' });
    await this.rounds.scheduleRound(tx, request.id, 1, new Date(Date.now() + this.serviceSafetyNetMs()));
    return undefined;
  }

  /** A service request's round 1 is never batched: the batch solver plans rides by vehicle class. */
  private serviceSafetyNetMs(): number {
    return this.deps.inlineFirstRound ? SAFETY_NET_DELAY_MS : 0;
  }

  /** After the service request committed: round 1's offers out when it ran inside, else round 1 now. */
  afterServiceRequest(request: ServiceRequestRow, firstRound?: Committed): void {
    if (firstRound) this.rounds.afterFirstRound(request.id, firstRound, 'first_accept');
    else if (request.status === 'searching' && this.deps.inlineFirstRound) this.runInBackground(request.id, 1);
  }

  /**
   * Before a request's transaction: round 1's candidates, so that round 1 can run inside that transaction
   * (`startSearch`, `startServiceSearch`). Null when round 1 is not inline (a batched ride, or left to its job).
   * The search reads hot state (which falls back to memory, never failing) and Postgres, which the request needs
   * anyway: a failure here fails the request as its transaction would.
   */
  async planFirstRound(job: SearchedJob, strategy: Strategy): Promise<CandidateResult | null> {
    if (!this.deps.inlineFirstRound || (job.kind === 'trip' && this.batcher)) return null;
    return this.rounds.search(job, roundShape(strategy, 1).driversPerRound);
  }

  /**
   * In the request transaction: the dispatch row, then round 1 itself when `events` and a `plan` come along (one
   * commit for the request and its first offers), else round 1's job (DESIGN: jobs are the outbox). What round 1
   * decided goes to `afterNewRequest` once the transaction committed.
   */
  async startSearch(
    tx: Tx,
    trip: TripRow,
    first?: { events: EventRecorder; plan: CandidateResult | null },
  ): Promise<Committed | undefined> {
    if (first?.plan && trip.status === 'searching') {
      return this.rounds.firstRound(tx, first.events, {
        job: tripJob(trip),
        strategy: trip.strategy,
        plan: first.plan,
      });
    }
    await insertDispatch(tx, { jobId: trip.id, strategy: trip.strategy });
    const runAt = trip.scheduled_at
      ? new Date(trip.scheduled_at.getTime() - this.deps.scheduledLeadMs)
      : new Date(Date.now() + this.safetyNetDelayMs());
    await this.rounds.scheduleRound(tx, trip.id, 1, runAt);
    return undefined;
  }

  /**
   * In the reassignment transaction: the trip searches again from round 1 now (fresh rounds, same dispatch row;
   * the round job key replaces any leftover round). Drivers already offered the trip stay excluded, the one who
   * dropped it among them. Call `afterRequest` after commit to run the round inline.
   */
  async restartSearch(tx: Tx, trip: TripRow): Promise<void> {
    await insertDispatch(tx, { jobId: trip.id, strategy: trip.strategy });
    await updateDispatch(tx, trip.id, { round: 0, phase: 'waiting', round_expires_at: null });
    await this.rounds.scheduleRound(tx, trip.id, 1, new Date(Date.now() + this.safetyNetDelayMs()));
  }

  private safetyNetDelayMs(): number {
    const { inlineFirstRound: inline, batchWindowMs: windowMs } = this.deps;
    if (this.batcher) return windowMs + SAFETY_NET_DELAY_MS;
    return inline ? SAFETY_NET_DELAY_MS : 0;
  }

  /** After the request committed: round 1 now (or into the batch window), not at the next job poll. */
  afterRequest(trip: TripRow): void {
    if (trip.status !== 'searching') return;
    if (this.batcher) this.batcher.add(trip.id);
    else if (this.deps.inlineFirstRound) this.runInBackground(trip.id, 1);
  }

  /** After a new trip's request committed: round 1's offers out when it ran in the request, else round 1 now. */
  afterNewRequest(trip: TripRow, firstRound: Committed | undefined): void {
    if (firstRound) this.rounds.afterFirstRound(trip.id, firstRound, trip.strategy);
    else this.afterRequest(trip);
  }

  async runRound(tripId: string, round: number, opts: RoundOptions = {}): Promise<RoundOutcome> {
    return this.rounds.run(tripId, round, opts);
  }

  /** Failures are logged only: the scheduled job for the same round is the durable retry. */
  runInBackground(tripId: string, round: number, opts: RoundOptions = {}): void {
    this.rounds
      .run(tripId, round, opts)
      .catch((err: unknown) =>
        this.deps.log.warn({ err, tripId, round }, 'dispatch: inline round failed; job will retry'),
      );
  }

  /** After a decline: once no offer of the round is open, the next round starts now instead of at the timer. */
  async afterDecline(tripId: string): Promise<void> {
    this.rounds.wake(1); // the driver who declined is free
    const dispatch = await findDispatch(this.db, tripId);
    if (!dispatch || dispatch.phase !== 'offering') return;
    const now = Date.now();
    const open = (await tripOffers.list(this.db, tripId)).some(
      (o) => o.status === 'pending' && o.expires_at.getTime() > now,
    );
    if (!open) this.runInBackground(tripId, dispatch.round + 1);
  }

  /**
   * After the withdrawing commit (the accept/cancel flows record the event, not this module): a "withdrawn"
   * push replaces the offer on those drivers' phones. A lost enqueue only leaves the offer to expire by TTL.
   */
  private pushWithdrawn(port: JobPort, jobId: string, driverIds: string[]) {
    port
      .enqueuePush(this.db, this.deps.jobs, { jobId, kind: 'withdrawn', driverIds })
      .catch((err: unknown) => this.deps.log.warn({ err, jobId }, 'dispatch: withdrawn offer push not queued'));
  }

  /** Offers withdrawn (another driver won, the search was cancelled): those drivers are free for waiting trips. */
  async releaseWithdrawn(driverIds: string[]): Promise<void> {
    if (driverIds.length === 0) return;
    await runUnitOfWork(this.db, this.deps.bus, (tx) => this.rounds.releaseDrivers(tx, driverIds, { missed: false }));
    this.rounds.wake(driverIds.length);
  }

  /** GET /trips/:id/matching-status (rider, assigned driver, admin). */
  async matchingStatus(viewer: Viewer, tripId: string) {
    const trip = await getVisibleTrip(this.db, tripId, viewer);
    const [dispatch, offers] = await Promise.all([findDispatch(this.db, tripId), tripOffers.list(this.db, tripId)]);
    const now = Date.now();
    const pending = offers.filter((o) => o.status === 'pending' && o.expires_at.getTime() > now).length;
    const searching = trip.status === 'searching';
    return {
      status: matchingState(trip.status, pending),
      strategy: trip.strategy,
      round: dispatch?.round ?? 0,
      offeredDrivers: offers.length,
      // While waiting for a held driver to come free no offer is out, so nothing expires (round_expires_at is the retry
      // time).
      expiresAt:
        searching && dispatch?.phase !== 'waiting' && dispatch?.round_expires_at
          ? dispatch.round_expires_at.toISOString()
          : null,
      ...(trip.strategy === 'broadcast_bid' && viewer.id !== trip.driver_id
        ? { bids: searching ? await this.bidsOf(tripId) : [] }
        : {}),
    };
  }

  private async bidsOf(tripId: string) {
    const bids = await tripOffers.listLiveBids(this.db, tripId);
    const drivers = await driverSummaries(
      this.db,
      bids.map((b) => b.driver_id),
    );
    return bids.map((b) => ({
      bidId: b.driver_id,
      driverId: b.driver_id,
      amount: b.bid_amount!,
      currency: 'EGP',
      expiresAt: b.expires_at.toISOString(),
      driver: drivers.get(b.driver_id) ?? null,
    }));
  }
}

function matchingState(status: TripRow['status'], pendingOffers: number): MatchingState {
  if (status === 'searching') return pendingOffers > 0 ? 'offers_pending' : 'searching';
  if (MATCHED.includes(status)) return 'matched';
  if (status === 'scheduled' || status === 'requested') return 'scheduled';
  return status === 'no_drivers' ? 'no_drivers' : 'cancelled';
}
