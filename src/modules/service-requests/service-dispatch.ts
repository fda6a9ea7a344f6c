import type { DbHandle, Tx } from '../../platform/db/database.js';
import { conflict } from '../../platform/errors.js';
import type { EventRecorder } from '../../platform/events/unit-of-work.js';
import './service-requests.events.js';
import {
  compareAndSetServiceRequest,
  findServiceRequest,
  serviceJobsUnderWay,
  type ServiceRequestRow,
} from './service-requests.repo.js';

/**
 * What the dispatch engine and the accept flow need of a service request: the
 * row (locked: the one mutex of a request's writers), and the two moves only
 * dispatch makes — assigned to the provider who won, or no_providers.
 */
export const serviceRecords = {
  find: (db: DbHandle, id: string) => findServiceRequest(db, id),
  lock: (tx: Tx, id: string) => findServiceRequest(tx, id, { lock: true }),
  /** Jobs providers hold, for the console's live map (issue 19.3). */
  underWay: (db: DbHandle) => serviceJobsUnderWay(db),
};

async function recordMove(
  events: EventRecorder,
  a: { before: ServiceRequestRow; after: ServiceRequestRow; actorId: string | null },
) {
  const { before, after } = a;
  await events.record({
    type: 'service_request.status_changed',
    aggregateType: 'service_request',
    aggregateId: after.id,
    actorId: a.actorId,
    payload: {
      requestId: after.id,
      customerId: after.customer_id,
      providerId: after.provider_id,
      from: before.status,
      to: after.status,
      version: after.version,
      at: after.status_changed_at.toISOString(),
    },
  });
}

/** The search ended without anyone accepting: searching → no_providers (system move). */
export async function endSearchWithoutProvider(tx: Tx, events: EventRecorder, row: ServiceRequestRow) {
  const moved = await compareAndSetServiceRequest(tx, {
    id: row.id,
    version: row.version,
    set: { status: 'no_providers', status_actor_id: null },
  });
  if (!moved) throw conflict('The request changed meanwhile');
  await recordMove(events, { before: row, after: moved, actorId: null });
  return moved;
}

/**
 * searching → assigned to `providerId` (compare-and-set on the version read under the row lock). The triggers of
 * migrations 0043 and 0046 refuse a provider who is on another job or has a booked slot now.
 */
export async function assignProvider(tx: Tx, events: EventRecorder, a: { row: ServiceRequestRow; providerId: string }) {
  if (a.row.status !== 'searching') throw conflict('The request was already taken', { status: a.row.status });
  const moved = await compareAndSetServiceRequest(tx, {
    id: a.row.id,
    version: a.row.version,
    set: { status: 'assigned', provider_id: a.providerId, status_actor_id: a.providerId },
  });
  if (!moved) throw conflict('The request was already taken');
  await recordMove(events, { before: a.row, after: moved, actorId: a.providerId });
  return moved;
}
