import { providerCapabilities } from '../providers/index.js';
import { endSearchWithoutProvider, serviceRecords, type ServiceRequestRow } from '../service-requests/index.js';
import type { DispatchJob, JobPort } from './job-port.js';
import { enqueueOfferPush, requestOfferFields } from './offer-push.js';

/** A roadside/mechanic request as a dispatch job: served by approved skills, whatever the vehicle. */
export function serviceJob(request: ServiceRequestRow): DispatchJob {
  return {
    kind: 'service_request',
    request,
    id: request.id,
    customerId: request.customer_id,
    point: { lat: request.lat, lng: request.lng },
    createdAt: request.created_at,
    searchable: request.status === 'searching',
    vehicleClass: null,
    serviceType: request.service_type,
  };
}

const requestOf = (job: DispatchJob): ServiceRequestRow => {
  if (job.kind !== 'service_request') throw new Error(`not a service request: ${job.kind}`);
  return job.request;
};

const wrap = (row: ServiceRequestRow | undefined) => (row ? serviceJob(row) : undefined);

/**
 * Service requests: offered only to providers whose approved capabilities
 * include the service (a tow needs the tow truck: the capabilities table
 * refuses a tow skill without one) and whose service area holds the breakdown.
 */
export const servicePort: JobPort = {
  kind: 'service_request',
  find: async (db, id) => wrap(await serviceRecords.find(db, id)),
  lock: async (tx, id) => wrap(await serviceRecords.lock(tx, id)),
  beginSearch: async (_tx, _events, job) => job,
  async endWithoutProvider(tx, events, job) {
    await endSearchWithoutProvider(tx, events, requestOf(job));
  },
  async recordOffers(events, job, offers) {
    for (const { driverId, round, expiresAt } of offers) {
      await events.record({
        type: 'service_request.offered',
        aggregateType: 'service_request',
        aggregateId: job.id,
        actorId: null,
        payload: { requestId: job.id, driverId, round, expiresAt: expiresAt.toISOString() },
      });
    }
  },
  filterEligible: (db, job, driverIds) =>
    providerCapabilities.ableToServe(db, { providerIds: driverIds, serviceType: job.serviceType!, point: job.point }),
  sendOffer(realtime, job, { driverId, distanceM, expiresAt }) {
    realtime.toUser(driverId, 'request:offer', requestOfferFields(requestOf(job), distanceM, expiresAt));
  },
  enqueuePush: (tx, jobs, { jobId, ...push }) =>
    enqueueOfferPush(tx, jobs, { tripId: jobId, job: 'service_request', ...push }),
};
