import type { Tx } from '../platform/db/database.js';
import { isExclusionViolation } from '../platform/db/transaction.js';
import { conflict, forbidden, notFound } from '../platform/errors.js';
import { runUnitOfWork, type EventRecorder } from '../platform/events/unit-of-work.js';
import type { Logger } from '../platform/observability/logger.js';
import type { Dispatcher } from '../modules/dispatch/index.js';
import { driverStates } from '../modules/drivers/index.js';
import {
  assignProvider,
  getServiceRequest,
  serviceRecords,
  toServiceRequestView,
  type ServiceViewer,
} from '../modules/service-requests/index.js';
import { countOfferOutcome, tripOffers } from '../modules/trips/index.js';
import type { UnitDeps } from './deps.js';
import { providerBusyConflict } from './provider-busy.js';

export interface ServiceOfferDeps extends UnitDeps {
  dispatch: Pick<Dispatcher, 'afterDecline'>;
  log: Logger;
}

async function explainLostOffer(tx: Tx, requestId: string, providerId: string): Promise<never> {
  const offer = await tripOffers.find(tx, requestId, providerId);
  if (!offer) throw forbidden('This request was never offered to you');
  throw conflict(`Offer is no longer open (${offer.status === 'pending' ? 'expired' : offer.status})`);
}

/** Maps what the database refuses on assignment to the 409 the provider sees. */
function assignmentConflict(err: unknown) {
  // Migration 0046: the accepted job holds a slot in bookings; a booked slot now makes the accept overlap it.
  if (isExclusionViolation(err, 'bookings_no_overlap'))
    return conflict('You have a booked slot during this job', { reason: 'booked_slot' });
  return providerBusyConflict(err);
}

/**
 * Accept = the request row lock, then two compare-and-sets (request searching → assigned, offer pending →
 * accepted), as a ride's accept: every other provider waits on the row lock and then gets 409. Migration 0043
 * (one active job per provider) and 0046 (no overlap with booked slots) are checked by the database.
 */
async function acceptServiceOffer(tx: Tx, events: EventRecorder, a: { requestId: string; providerId: string }) {
  const { requestId, providerId } = a;
  const row = await serviceRecords.lock(tx, requestId);
  if (!row) throw notFound('Service request');
  const open = await tripOffers.find(tx, requestId, providerId);
  if (!open || open.status !== 'pending' || open.expires_at <= new Date())
    return explainLostOffer(tx, requestId, providerId);
  let assigned;
  try {
    assigned = await assignProvider(tx, events, { row, providerId });
  } catch (err) {
    throw assignmentConflict(err) ?? err;
  }
  if (!(await tripOffers.respond(tx, { tripId: requestId, driverId: providerId, to: 'accepted' })))
    return explainLostOffer(tx, requestId, providerId);
  await driverStates.transition(tx, { userId: providerId, from: ['available', 'offered', 'cooldown'], to: 'busy' });
  await driverStates.recordOfferOutcome(tx, providerId, true);
  const withdrawn = await tripOffers.closePending(tx, requestId, 'withdrawn');
  if (withdrawn.length > 0)
    await events.record({
      type: 'service_request.offers_withdrawn',
      aggregateType: 'service_request',
      aggregateId: requestId,
      actorId: null,
      payload: { requestId, driverIds: withdrawn },
    });
  return assigned;
}

async function declineServiceOffer(tx: Tx, a: { requestId: string; providerId: string }) {
  const offer = await tripOffers.respond(tx, { tripId: a.requestId, driverId: a.providerId, to: 'declined' });
  if (!offer) return explainLostOffer(tx, a.requestId, a.providerId);
  await driverStates.recordOfferOutcome(tx, a.providerId, false);
  await driverStates.transition(tx, { userId: a.providerId, from: ['offered'], to: 'available' });
}

/** POST /service-requests/:id/response: the first accept wins (200), everyone else 409; a decline frees them. */
export async function respondToServiceOffer(
  deps: ServiceOfferDeps,
  input: { provider: ServiceViewer; requestId: string; action: 'accept' | 'decline' },
) {
  const { provider, requestId, action } = input;
  const args = { requestId, providerId: provider.id };
  await runUnitOfWork(deps.db, deps.bus, (tx, events) =>
    action === 'accept' ? acceptServiceOffer(tx, events, args) : declineServiceOffer(tx, args),
  );
  if (action === 'decline') {
    countOfferOutcome('declined');
    deps.dispatch
      .afterDecline(requestId)
      .catch((err: unknown) => deps.log.warn({ err, requestId }, 'dispatch: next round after decline failed'));
    // No longer a party to the request, the provider still gets back what they declined (as the offer showed it).
    const row = await serviceRecords.find(deps.db, requestId);
    if (!row) throw notFound('Service request');
    return toServiceRequestView(row, provider);
  }
  countOfferOutcome('accepted');
  return getServiceRequest(deps.db, requestId, provider);
}
