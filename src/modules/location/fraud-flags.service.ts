import type { DbHandle } from '../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { AppError, ErrorCode, notFound } from '../../platform/errors.js';
import {
  clearOpenFlag,
  findFlag,
  listFlags,
  openFlagsAmong,
  type FraudFlagRow,
  type FraudFlagStatus,
} from './fraud-flags.repo.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { SuspicionCounter } from './gps-hygiene.js';

/** Nearby (this module) and dispatch ask this before showing or offering anyone: flagged drivers are left out. */
export const driverFraudFlags = { flaggedAmong: openFlagsAmong };

export function toFraudFlagView(r: FraudFlagRow) {
  return {
    id: r.id,
    driverId: r.driver_id,
    reason: r.reason,
    suspiciousFixes: r.suspicious_fixes,
    status: r.status,
    note: r.note,
    clearedBy: r.cleared_by,
    clearedAt: r.cleared_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

/** The admin side of GPS fraud flags: review them and clear a driver back into dispatch. */
export class FraudFlagsService {
  constructor(private readonly deps: { db: DbHandle; suspicion: SuspicionCounter; log: Logger }) {}

  async list(query: { status?: FraudFlagStatus; driverId?: string; limit: number; cursor?: string }) {
    const rows = await listFlags(this.deps.db, {
      status: query.status,
      driverId: query.driverId,
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: page.map(toFraudFlagView), nextCursor };
  }

  /**
   * open → cleared; the driver is back in nearby and dispatch with the next
   * query, and their suspicious-fix count starts again from zero. A flag
   * already cleared is 409 (the note of the first clear stays).
   */
  async clear(admin: { id: string }, id: string, note: string) {
    const cleared = await clearOpenFlag(this.deps.db, { id, adminId: admin.id, note });
    if (!cleared) {
      if (!(await findFlag(this.deps.db, id))) throw notFound('Fraud flag');
      throw new AppError(ErrorCode.CONFLICT, 'Fraud flag is already cleared');
    }
    // The clear is committed either way; a hot-state hiccup only leaves the old count to age out of its hour.
    await this.deps.suspicion
      .reset(cleared.driver_id)
      .catch((err: unknown) => this.deps.log.warn({ err, id }, 'gps: suspicion count not reset after clear'));
    return toFraudFlagView(cleared);
  }
}
