import { AppError, ErrorCode } from '../platform/errors.js';
import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import type { FailureLockout } from '../platform/failure-lockout.js';
import {
  approveQuote,
  declineQuote,
  getServiceRequest,
  moveServiceRequest,
  postQuote,
  type MoveRequest,
  type QuoteLine,
  type ServiceViewer,
} from '../modules/service-requests/index.js';
import type { UnitDeps } from './deps.js';
import { settleServiceRequest, type SettleServiceDeps } from './settle-service-request.js';

export type MoveServiceDeps = UnitDeps &
  SettleServiceDeps & {
    /** Wrong completion codes per request lock completing (4 digits must not be guessable), as ride OTPs do. */
    codeLockout: FailureLockout;
  };

/**
 * A status move by the customer, the assigned provider or an admin, with its event, in one transaction; the
 * move that completes the work also settles it there (issue 18 #6).
 */
export async function moveRequestStatus(deps: MoveServiceDeps, move: MoveRequest) {
  // Counted before the code is checked, so parallel guesses cannot slip past the count.
  const attempt =
    move.code === undefined ? undefined : await deps.codeLockout.begin(`service-request:${move.requestId}`);
  try {
    await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
      const moved = await moveServiceRequest(tx, events, move);
      if (moved.changed && moved.row.status === 'completed') await settleServiceRequest(deps, { tx, row: moved.row });
    });
  } catch (err) {
    const wrongCode = err instanceof AppError && err.code === ErrorCode.INVALID_OTP;
    const lockedForS = attempt && wrongCode ? await attempt.failed() : null;
    throw lockedForS ? deps.codeLockout.lockedFor(lockedForS) : err;
  }
  await attempt?.succeeded();
  return getServiceRequest(deps.db, move.requestId, move.viewer);
}

/** The assigned provider posts or revises the work quote on site. */
export async function quoteWork(deps: UnitDeps, a: { requestId: string; viewer: ServiceViewer; lines: QuoteLine[] }) {
  await runUnitOfWork(deps.db, deps.bus, (tx, events) => postQuote(tx, events, a));
  return getServiceRequest(deps.db, a.requestId, a.viewer);
}

/** The customer approves or declines the revision they were shown. */
export async function decideOnQuote(
  deps: MoveServiceDeps,
  a: { requestId: string; viewer: ServiceViewer; revision: number; decision: 'approve' | 'decline' },
) {
  await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    if (a.decision === 'approve') return approveQuote(tx, events, a);
    // Declining ends the request: the call-out fee is owed, settled with the decline.
    const { row } = await declineQuote(tx, events, a);
    await settleServiceRequest(deps, { tx, row });
  });
  return getServiceRequest(deps.db, a.requestId, a.viewer);
}
