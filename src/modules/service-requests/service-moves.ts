import type { Tx } from '../../platform/db/database.js';
import { AppError, ErrorCode, conflict, forbidden, notFound } from '../../platform/errors.js';
import type { EventRecorder } from '../../platform/events/unit-of-work.js';
import { judgeMove, type ServiceActor } from './service-lifecycle.js';
import { assertProofOfService } from './service-proofs.js';
import { findLatestQuote } from './service-quotes.repo.js';
import {
  compareAndSetServiceRequest,
  findServiceRequest,
  type ServiceRequestRow,
  type ServiceStatus,
} from './service-requests.repo.js';
import type { ServiceViewer } from './service-requests.service.js';

/**
 * Seed plan: "ignore duplicate status updates with same (requestId, status, actor, timestampBucket)". A repeat of
 * the last move by the same person within this long (a retry after a lost answer) is answered unchanged; later, or
 * by someone else, it is a 409 like any move from a status that does not allow it.
 */
export const REPEAT_BUCKET_MS = 30_000;

export interface MoveRequest {
  requestId: string;
  to: ServiceStatus;
  viewer: ServiceViewer;
  reason?: string;
  /** The customer's 4-digit completion code, proof of service when they gave no signature (issue 18 #5). */
  code?: string;
  /** The same move again is new, not a retry (a revised quote is quoted → quoted). */
  repeatIsNew?: boolean;
}

function actorOf(row: ServiceRequestRow, viewer: ServiceViewer): ServiceActor | undefined {
  if (viewer.role === 'admin') return 'admin';
  if (row.customer_id === viewer.id) return 'customer';
  if (row.provider_id === viewer.id) return 'provider';
  return undefined;
}

const isRepeat = (row: ServiceRequestRow, move: MoveRequest, now: number) =>
  row.status === move.to &&
  row.status_actor_id === move.viewer.id &&
  now - row.status_changed_at.getTime() < REPEAT_BUCKET_MS;

/** What must hold before the move beyond who makes it (issue 18 #3, #5). */
async function assertPreconditions(tx: Tx, row: ServiceRequestRow, move: MoveRequest) {
  const { to } = move;
  // Issue 18 #3: work starts only on the approved newest revision; a revised quote needs a new approval.
  if (to === 'in_progress' && (await findLatestQuote(tx, row.id))?.status !== 'approved')
    throw conflict('The customer has not approved the quote', { reason: 'quote_not_approved' });
  if (to === 'completed') await assertProofOfService(tx, row, move.code);
}

/**
 * Moves a request under its row lock: actor check, the repeat bucket, preconditions, compare-and-set, and the
 * `service_request.status_changed` event. Returns the row and whether anything changed.
 */
export async function moveServiceRequest(tx: Tx, events: EventRecorder, move: MoveRequest) {
  const row = await findServiceRequest(tx, move.requestId, { lock: true });
  const actor = row && actorOf(row, move.viewer);
  if (!row || !actor) throw notFound('Service request');
  if (!move.repeatIsNew && isRepeat(row, move, Date.now())) return { row, changed: false };
  const verdict = judgeMove(row.status, move.to, actor);
  if (verdict === 'not_allowed_actor') throw forbidden(`A ${actor} may not move a request to ${move.to}`);
  if (verdict === 'invalid_transition')
    throw new AppError(ErrorCode.CONFLICT, `Cannot move a ${row.status} request to ${move.to}`, {
      status: row.status,
    });
  await assertPreconditions(tx, row, move);
  const moved = await compareAndSetServiceRequest(tx, {
    id: row.id,
    version: row.version,
    set: { status: move.to, status_actor_id: move.viewer.id, cancel_reason: move.reason ?? row.cancel_reason },
  });
  if (!moved) throw conflict('The request changed meanwhile');
  await events.record({
    type: 'service_request.status_changed',
    aggregateType: 'service_request',
    aggregateId: row.id,
    actorId: move.viewer.id,
    payload: {
      requestId: row.id,
      customerId: row.customer_id,
      providerId: row.provider_id,
      from: row.status,
      to: moved.status,
      version: moved.version,
      at: moved.status_changed_at.toISOString(),
    },
  });
  return { row: moved, changed: true };
}
