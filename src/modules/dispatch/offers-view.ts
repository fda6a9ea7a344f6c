import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { SocketEventDefinition } from '../../platform/realtime/event-registry.js';
import { deliveryStatusFor } from '../notifications/index.js';
import { tripOffers, tripRecords } from '../trips/index.js';
import { OfferSeenEvent } from './dispatch.schema.js';
import { OFFER_SUBJECT, place } from './offer-push.js';

/** GET /drivers/me/offers: the caller's pending, unexpired offers, with the fields `trip:offer` carries. */
export async function pendingOffersOf(db: DbHandle, driverId: string) {
  const rows = await tripOffers.pendingOfDriver(db, driverId);
  return rows.map((r) => ({
    tripId: r.trip_id,
    pickup: place(r.pickup_lat, r.pickup_lng, r.pickup_address),
    dropoff: place(r.dropoff_lat, r.dropoff_lng, r.dropoff_address),
    distanceToPickupM: r.distance_to_pickup_m,
    tripDistanceM: r.quoted_distance_m,
    durationS: r.quoted_duration_s,
    fareEstimate: { amount: r.fare_amount, currency: r.fare_currency },
    expiresAt: r.expires_at.toISOString(),
    strategy: r.strategy,
    round: r.round,
  }));
}

/** GET /admin/trips/:id/offers: every offer of the trip and its delivery per channel (socket ack, each push). */
export async function offerDeliveriesOf(db: DbHandle, tripId: string) {
  const trip = await tripRecords.find(db, tripId);
  if (!trip) throw new AppError(ErrorCode.NOT_FOUND, 'Trip not found');
  return jobOfferDeliveries(db, tripId);
}

/** Every offer of a job (a trip or a service request: both share `trip_offers`) and each push's delivery. */
export async function jobOfferDeliveries(db: DbHandle, jobId: string) {
  const [offers, pushes] = await Promise.all([
    tripOffers.list(db, jobId),
    deliveryStatusFor(db, { type: OFFER_SUBJECT, id: jobId }),
  ]);
  return offers.map((o) => ({
    driverId: o.driver_id,
    round: o.round,
    status: o.status,
    expiresAt: o.expires_at.toISOString(),
    distanceToPickupM: o.distance_to_pickup_m,
    score: o.score,
    offeredAt: o.created_at.toISOString(),
    answeredAt: o.responded_at ? o.responded_at.toISOString() : null,
    socket: { seenAt: o.seen_at ? o.seen_at.toISOString() : null },
    push: pushes
      .filter((p) => p.key.endsWith(`:${o.driver_id}`))
      .map((p) => ({
        kind: p.key.startsWith('withdrawn:') ? ('withdrawn' as const) : ('offer' as const),
        channel: p.channel,
        status: p.status,
        attempts: p.attempts,
        ...(p.lastError ? { lastError: p.lastError } : {}),
        sentAt: p.sentAt,
      })),
  }));
}

/** `trip:offer_seen {tripId}` from the driver app: the socket offer reached the phone. */
export function offerSeenEvent(db: DbHandle): SocketEventDefinition<typeof OfferSeenEvent> {
  return {
    name: 'trip:offer_seen',
    summary: 'Confirm a trip offer reached the app',
    schema: OfferSeenEvent,
    roles: ['driver'],
    handle: async ({ user }, { tripId }) => {
      if (!(await tripOffers.markSeen(db, tripId, user.id))) throw new AppError(ErrorCode.NOT_FOUND, 'Offer not found');
      return { tripId };
    },
  };
}
