import type { Tx } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import { JobPriority } from '../../platform/jobs/task.js';
import { driverStates } from '../drivers/index.js';
import { countOfferOutcome, tripOffers, tripRecords } from '../trips/index.js';
import { findDispatch, updateDispatch } from './dispatch.repo.js';
import { dispatchJobKey, dispatchRoundTask } from './dispatch-round.task.js';
import { roundsTotal } from './dispatch.metrics.js';
import { selectionDurationMs, type Strategy } from './strategy.js';
import { tripPort } from './trip-job.js';
import type { DispatchJob } from './job-port.js';
import type { RoundDeps, RoundOutcome, StartedSearch } from './rounds.js';

/** A round job fires this long after its offers expire, so a last-moment accept lands first. */
const JOB_GRACE_MS = 250;

/** The job's next round, one per job (its job key), at high priority. */
export async function scheduleRound(
  jobs: JobQueue,
  tx: Tx,
  next: { tripId: string; round: number; at: Date },
): Promise<void> {
  const { tripId, round, at } = next;
  await jobs.enqueue(
    tx,
    dispatchRoundTask,
    { tripId, round },
    { jobKey: dispatchJobKey(tripId), runAt: new Date(at.getTime() + JOB_GRACE_MS), priority: JobPriority.HIGH },
  );
}

/** broadcast_bid: the collection window closed with bids; the rider now has a while to pick one. */
export async function openSelection(
  deps: RoundDeps,
  a: { tripId: string; round: number; strategy: Strategy },
): Promise<RoundOutcome> {
  const { tripId, round, strategy } = a;
  const until = new Date(Date.now() + selectionDurationMs(strategy, deps.timeScale));
  let expired = 0;
  const outcome = await runUnitOfWork(deps.db, deps.bus, async (tx) => {
    expired = 0;
    const trip = await tripRecords.lock(tx, tripId);
    const dispatch = await findDispatch(tx, tripId);
    if (!trip || !dispatch || trip.status !== 'searching' || dispatch.phase !== 'offering' || round <= dispatch.round)
      return { kind: 'stale' as const };
    const unbid = await tripOffers.expireUnbid(tx, tripId);
    expired = unbid.length;
    await tripPort.enqueuePush(tx, deps.jobs, { jobId: tripId, kind: 'withdrawn', driverIds: unbid });
    await driverStates.releaseOffered(tx, unbid, { missed: true });
    const bids = await tripOffers.extendBids(tx, tripId, until);
    await updateDispatch(tx, tripId, { phase: 'selecting', round_expires_at: until });
    await scheduleRound(deps.jobs, tx, { tripId, round, at: until });
    return { kind: 'selecting' as const, bids };
  });
  roundsTotal.inc({ strategy, outcome: outcome.kind });
  countOfferOutcome('expired', expired);
  return outcome;
}

/**
 * A round fired for a job that is no longer searching (accepted,
 * cancelled, timed out): nothing to offer. Drivers whose offer on it was
 * closed without their state being reset (the search-timeout job does not
 * know about driver states) are released if they hold no other open offer.
 */
export async function closeFinished(deps: RoundDeps, job: DispatchJob, dispatch: StartedSearch): Promise<RoundOutcome> {
  if (dispatch.phase === 'done') return { kind: 'closed' };
  await runUnitOfWork(deps.db, deps.bus, async (tx) => {
    await updateDispatch(tx, job.id, { phase: 'done', round_expires_at: null });
    const closed = (await tripOffers.list(tx, job.id))
      .filter((o) => o.status === 'expired' || o.status === 'withdrawn')
      .map((o) => o.driver_id);
    const busyElsewhere = await tripOffers.driversWithOpenOffers(tx, closed);
    await driverStates.releaseOffered(
      tx,
      closed.filter((id) => !busyElsewhere.has(id)),
      { missed: false },
    );
  });
  return { kind: 'closed' };
}
