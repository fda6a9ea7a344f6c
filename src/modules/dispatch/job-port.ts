import type { DbHandle, Tx } from '../../platform/db/database.js';
import type { EventRecorder } from '../../platform/events/unit-of-work.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { RealtimeHub } from '../../platform/realtime/emitter.js';
import type { LatLng, ServiceType } from '../../shared/index.js';
import type { ServiceRequestRow } from '../service-requests/index.js';
import type { TripRow } from '../trips/index.js';

/**
 * Issue 18 #2: the dispatch engine serves two kinds of job — a ride and a
 * roadside/mechanic service request — with the same rounds, strategies,
 * candidate search, fairness, blocks and offer claims. What differs per kind
 * (how its row is read and locked, who may serve it, what an offer says, how a
 * search without anyone ends) sits behind this port; the engine never looks
 * at a trip or a service request directly.
 */
export type JobKind = 'trip' | 'service_request';

interface JobFacts {
  id: string;
  customerId: string;
  /** Where the provider must go first (pickup / breakdown). */
  point: LatLng;
  createdAt: Date;
  /** Still looking for someone (not taken, not cancelled, not timed out). */
  searchable: boolean;
  /** A ride is served by vehicle classes; a service job by approved skills (any vehicle). */
  vehicleClass: string | null;
  serviceType: ServiceType | null;
}

/** What a candidate search needs of a job: enough to plan round 1 before the job's row exists. */
export type SearchedJob = Pick<JobFacts, 'customerId' | 'point' | 'vehicleClass' | 'serviceType'> & { kind: JobKind };

export type DispatchJob = JobFacts &
  ({ kind: 'trip'; trip: TripRow } | { kind: 'service_request'; request: ServiceRequestRow });

export interface OfferToSend {
  driverId: string;
  distanceM: number | null;
  expiresAt: Date;
  round: number;
}

export interface JobPort {
  kind: JobKind;
  find(db: DbHandle, id: string): Promise<DispatchJob | undefined>;
  /** The job row under the lock every writer of the job takes first (rounds, accept, cancel). */
  lock(tx: Tx, id: string): Promise<DispatchJob | undefined>;
  /** A job found later (scheduled ride) starts searching; others are searching already. */
  beginSearch(tx: Tx, events: EventRecorder, job: DispatchJob): Promise<DispatchJob>;
  /** The last round found nobody: `no_drivers` / `no_providers`. */
  endWithoutProvider(tx: Tx, events: EventRecorder, job: DispatchJob): Promise<void>;
  recordOffers(events: EventRecorder, job: DispatchJob, offers: OfferToSend[]): Promise<void>;
  /** Of nearby available drivers, those allowed to do this job beyond the common checks. */
  filterEligible(db: DbHandle, job: SearchedJob, driverIds: string[]): Promise<Set<string> | null>;
  /** After commit: the offer on the provider's socket. */
  sendOffer(realtime: RealtimeHub, job: DispatchJob, offer: OfferToSend & { strategy: string }): void;
  /** In the round's transaction: the push job telling phones about offers or withdrawals. */
  enqueuePush(
    tx: DbHandle,
    jobs: JobQueue,
    push: { jobId: string; kind: 'offer' | 'withdrawn'; round?: number; driverIds?: string[] },
  ): Promise<void>;
}
