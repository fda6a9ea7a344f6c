import type { DbHandle } from '../../platform/db/database.js';
import { moveTrip, type TripRow, tripRecords } from '../trips/index.js';
import type { DispatchJob, JobPort } from './job-port.js';
import { enqueueOfferPush, offerFields } from './offer-push.js';

const SEARCHABLE: TripRow['status'][] = ['searching', 'scheduled'];

/** A ride as a dispatch job. A scheduled trip a driver has reserved is no longer searching, though `scheduled`. */
export function tripJob(trip: TripRow): DispatchJob {
  return {
    kind: 'trip',
    trip,
    id: trip.id,
    customerId: trip.rider_id,
    point: { lat: trip.pickup_lat, lng: trip.pickup_lng },
    createdAt: trip.created_at,
    searchable: SEARCHABLE.includes(trip.status) && trip.driver_id === null,
    vehicleClass: trip.vehicle_class,
    serviceType: null,
  };
}

const tripOf = (job: DispatchJob): TripRow => {
  if (job.kind !== 'trip') throw new Error(`not a trip: ${job.kind}`);
  return job.trip;
};

const wrap = (trip: TripRow | undefined) => (trip ? tripJob(trip) : undefined);

/** Rides: rows from the trips module, `trip:offer`, no_drivers. */
export const tripPort: JobPort = {
  kind: 'trip',
  find: async (db: DbHandle, id) => wrap(await tripRecords.find(db, id)),
  lock: async (tx, id) => wrap(await tripRecords.lock(tx, id)),
  async beginSearch(tx, events, job) {
    const trip = tripOf(job);
    if (trip.status !== 'scheduled') return job;
    return tripJob(await moveTrip(tx, events, { trip, to: 'searching', actorId: null }));
  },
  async endWithoutProvider(tx, events, job) {
    await moveTrip(tx, events, { trip: tripOf(job), to: 'no_drivers', actorId: null });
  },
  async recordOffers(events, job, offers) {
    for (const { driverId, round, expiresAt } of offers) {
      await events.record({
        type: 'trip.offered',
        aggregateType: 'trip',
        aggregateId: job.id,
        actorId: null,
        payload: { tripId: job.id, driverId, round, expiresAt: expiresAt.toISOString() },
      });
    }
  },
  filterEligible: async () => null,
  sendOffer(realtime, job, { driverId, distanceM, expiresAt, round, strategy }) {
    const fields = offerFields(tripOf(job), distanceM === null ? null : Math.round(distanceM), expiresAt);
    realtime.toUser(driverId, 'trip:offer', { ...fields, strategy, round });
  },
  enqueuePush: (tx, jobs, { jobId, ...push }) => enqueueOfferPush(tx, jobs, { tripId: jobId, ...push }),
};
