import { z } from 'zod';
import type { Db, DbHandle } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { defineTask, JobPriority } from '../../platform/jobs/task.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { pushDevices, queueDeliveries, type NewDelivery } from '../notifications/index.js';
import { serviceRecords, type ServiceRequestRow } from '../service-requests/index.js';
import { tripOffers, tripRecords, type TripRow } from '../trips/index.js';

/**
 * Issue 17 point 1: offers also reach the driver's phones as a data-only push, so a driver whose app is in
 * the background still sees them. ONE job per round (enqueued in the round's transaction) fans out to every
 * offered driver's devices; a withdrawn/expired offer gets a "withdrawn" push under the same collapse key,
 * which replaces the offer on the phone.
 */
export const offerPushTask = defineTask({
  name: 'dispatch.offer_push',
  schema: z.object({
    /** The job's id: a trip's, or a service request's when `job` says so. */
    tripId: z.uuid(),
    job: z.enum(['trip', 'service_request']).optional(),
    kind: z.enum(['offer', 'withdrawn']),
    round: z.number().int().min(1).optional(),
    driverIds: z.array(z.uuid()).max(200).optional(),
  }),
  maxAttempts: 5,
});
type OfferPush = z.infer<typeof offerPushTask.schema>;

/** Deliveries of offer pushes: no inbox row, tracked per device under this subject (subject_id = trip). */
export const OFFER_SUBJECT = 'trip_offer';
/** A withdrawn push has nothing to race: it only has to land before the driver looks (FCM keeps it this long). */
const WITHDRAWN_TTL_MS = 10 * 60_000;

export const offerCollapseKey = (tripId: string) => `offer:${tripId}`;

/** What both the socket `trip:offer` and the push tell a driver about an offer. */
export function offerFields(trip: TripRow, distanceToPickupM: number | null, expiresAt: Date) {
  return {
    tripId: trip.id,
    pickup: place(trip.pickup_lat, trip.pickup_lng, trip.pickup_address),
    dropoff: place(trip.dropoff_lat, trip.dropoff_lng, trip.dropoff_address),
    distanceToPickupM,
    tripDistanceM: trip.quoted_distance_m,
    durationS: trip.quoted_duration_s,
    fareEstimate: { amount: trip.fare_amount, currency: trip.fare_currency },
    expiresAt: expiresAt.toISOString(),
  };
}

/** What both the socket `request:offer` and the push tell a provider about an offer (issue 18 #2). */
export function requestOfferFields(row: ServiceRequestRow, distanceM: number | null, expiresAt: Date) {
  return {
    requestId: row.id,
    serviceType: row.service_type,
    location: place(row.lat, row.lng, row.address),
    distanceM: distanceM === null ? null : Math.round(distanceM),
    fareEstimate: { amount: row.estimate_total, currency: 'EGP' },
    expiresAt: expiresAt.toISOString(),
  };
}

export function place(lat: number, lng: number, address: string | null) {
  return address ? { lat, lng, address } : { lat, lng };
}

/** In the caller's transaction: the job that pushes one round's offers, or the withdrawals of some drivers. */
export async function enqueueOfferPush(tx: DbHandle, jobs: JobQueue, push: OfferPush): Promise<void> {
  if (push.kind === 'withdrawn' && !push.driverIds?.length) return;
  await jobs.enqueue(tx, offerPushTask, push, { priority: JobPriority.HIGH });
}

/** FCM data values are strings: nested objects travel as JSON. */
function stringData(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** What an offer push says, per job kind: a ride (`trip_offer`) or a service request (`request_offer`). */
type OfferCard = (driverId: string, distanceM: number | null, expiresAt: Date) => Record<string, unknown>;

async function offerCardOf(db: Db, push: OfferPush): Promise<OfferCard | undefined> {
  if (push.job === 'service_request') {
    const row = await serviceRecords.find(db, push.tripId);
    return row && ((_d, m, at) => ({ type: 'request_offer', ...requestOfferFields(row, m, at) }));
  }
  const trip = await tripRecords.find(db, push.tripId);
  return trip && ((_d, m, at) => ({ type: 'trip_offer', ...offerFields(trip, m, at), round: push.round }));
}

async function offerDeliveries(db: Db, push: OfferPush, card: OfferCard): Promise<NewDelivery[]> {
  const offers = await tripOffers.ofRound(db, push.tripId, push.round!);
  const perDriver = await Promise.all(
    offers.map(async (o) => ({ o, tokens: await pushDevices.tokensOf(db, o.driver_id) })),
  );
  const service = push.job === 'service_request';
  return perDriver.flatMap(({ o, tokens }) => {
    const content = {
      title: service ? 'New service request' : 'New trip offer',
      body: '',
      data: stringData(card(o.driver_id, o.distance_to_pickup_m, o.expires_at)),
      dataOnly: true,
      collapseKey: offerCollapseKey(push.tripId),
      expiresAt: o.expires_at.toISOString(),
    };
    return tokens.map((token) => device(push.tripId, token, `offer:${o.driver_id}`, content));
  });
}

async function withdrawnDeliveries(db: Db, push: OfferPush): Promise<NewDelivery[]> {
  const { tripId } = push;
  const perDriver = await Promise.all(
    (push.driverIds ?? []).map(async (id) => ({ id, tokens: await pushDevices.tokensOf(db, id) })),
  );
  const data =
    push.job === 'service_request'
      ? { type: 'request_offer_withdrawn', requestId: tripId }
      : { type: 'trip_offer_withdrawn', tripId };
  const content = {
    title: 'Offer withdrawn',
    body: '',
    data,
    dataOnly: true,
    collapseKey: offerCollapseKey(tripId),
    expiresAt: new Date(Date.now() + WITHDRAWN_TTL_MS).toISOString(),
  };
  return perDriver.flatMap(({ id, tokens }) =>
    tokens.map((token) => device(tripId, token, `withdrawn:${id}`, content)),
  );
}

/**
 * A driver is offered a trip at most once (trip_offers key), so `offer:<driver>` / `withdrawn:<driver>` dedupe
 * per device, and tell admins whose phone a delivery went to.
 */
function device(tripId: string, token: string, dedupeKey: string, content: Record<string, unknown>): NewDelivery {
  return {
    subjectType: OFFER_SUBJECT,
    subjectId: tripId,
    channel: 'push',
    recipient: token,
    recipientKind: 'device',
    dedupeKey,
    priority: 'HIGH',
    content,
  };
}

/** The job: resolve devices and queue one tracked delivery per device (a retried job adds nothing twice). */
export async function runOfferPush(deps: { db: Db; jobs: JobQueue }, push: OfferPush): Promise<void> {
  let rows: NewDelivery[] = [];
  if (push.kind === 'withdrawn') rows = await withdrawnDeliveries(deps.db, push);
  else if (push.round) {
    const card = await offerCardOf(deps.db, push);
    if (card) rows = await offerDeliveries(deps.db, push, card);
  }
  if (rows.length > 0) await withTransaction(deps.db, (tx) => queueDeliveries(tx, deps.jobs, rows));
}
