import type { Db, DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, conflict, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { AuthUser } from '../../platform/http/route-config.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';
import { tripRecords, type TripRow } from '../trips/index.js';
import { userAccounts } from '../users/index.js';
import { blendedRating } from './rating-formula.js';
import {
  deleteBlock,
  findBlockedPartners,
  findReport,
  insertBlock,
  insertRating,
  insertReport,
  listBlocksBy,
  listReports,
  lockRatee,
  ratingWindow,
  redactWordsOf,
  resolveOpenReport,
  type RaterRole,
  type RatingRow,
  type ReportRow,
  type ReportStatus,
} from './trust.repo.js';
import type { ReportCategory } from './trust.schema.js';

type Viewer = Pick<AuthUser, 'id' | 'role'>;

/** Which side of the trip the user is on, or null when they are not one of its two parties. */
export function partyOf(trip: TripRow, userId: string): RaterRole | null {
  if (trip.rider_id === userId) return 'rider';
  if (trip.driver_id !== null && trip.driver_id === userId) return 'driver';
  return null;
}

/** The trip as one of its parties sees it, with the other party; 404 for anyone else or an unknown trip. */
export async function tripOfParty(db: DbHandle, tripId: string, userId: string) {
  const trip = await tripRecords.find(db, tripId);
  const side = trip ? partyOf(trip, userId) : null;
  if (!trip || !side) throw notFound('Trip');
  const other = side === 'rider' ? trip.driver_id : trip.rider_id;
  return { trip, side, other };
}

export function toRatingView(r: RatingRow) {
  return {
    tripId: r.trip_id,
    raterId: r.rater_id,
    rateeId: r.ratee_id,
    raterRole: r.rater_role,
    stars: r.stars,
    comment: r.comment,
    tags: r.tags,
    createdAt: r.created_at.toISOString(),
  };
}

export function toReportView(r: ReportRow) {
  return {
    id: r.id,
    tripId: r.trip_id,
    reporterId: r.reporter_id,
    reportedId: r.reported_id,
    category: r.category as ReportCategory,
    text: r.text,
    status: r.status,
    resolutionNote: r.resolution_note,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Ratings rows for the rate-trip flow: the insert that lets each party rate
 * once, and the ratee's new aggregate, computed under the ratee's lock.
 */
export const tripRatings = {
  insert: insertRating,
  async aggregateFor(tx: DbHandle, rateeId: string): Promise<{ rating: number; count: number }> {
    await lockRatee(tx, rateeId);
    const { count, sum } = await ratingWindow(tx, rateeId);
    return { rating: blendedRating(sum, count), count };
  },
};

/** Blocks as other code needs them: dispatch keeps blocked pairs apart, the rating flow adds one. */
export const trustBlocks = {
  partnersOf: findBlockedPartners,
  add: insertBlock,
};

const selfError = (field: string) =>
  new AppError(ErrorCode.VALIDATION_ERROR, 'You cannot block yourself', [
    { field, message: 'must not be your own id' },
  ]);

/** GET /me/blocks: whom the caller blocked, newest first. */
export async function listMyBlocks(db: Db, me: Viewer) {
  const rows = await listBlocksBy(db, me.id);
  const names = new Map(
    (
      await userAccounts.findMany(
        db,
        rows.map((r) => r.blocked_id),
      )
    ).map((u) => [u.id, u.name]),
  );
  return rows.map((r) => ({
    userId: r.blocked_id,
    name: names.get(r.blocked_id) ?? '',
    source: r.source,
    tripId: r.trip_id,
    createdAt: r.created_at.toISOString(),
  }));
}

/** POST /me/blocks: the caller keeps away from a user (both ways, like a low rating). */
export async function blockUser(db: Db, me: Viewer, userId: string) {
  if (userId === me.id) throw selfError('body.userId');
  if (!(await userAccounts.findById(db, userId))) throw notFound('User');
  await insertBlock(db, { blocker_id: me.id, blocked_id: userId, source: 'manual', trip_id: null });
  return (await listMyBlocks(db, me)).find((b) => b.userId === userId)!;
}

/** DELETE /me/blocks/:userId: lifts the caller's own block (a block the other person made stays). */
export async function unblockUser(db: Db, me: Viewer, userId: string) {
  if (userId === me.id) throw selfError('params.userId');
  if (!(await deleteBlock(db, me.id, userId))) throw notFound('Block');
}

/**
 * POST /trips/:id/report: one report per party and trip; the reporter and
 * the reported person are blocked from each other in the same transaction.
 */
export async function reportTrip(db: Db, me: Viewer, tripId: string, body: { category: ReportCategory; text: string }) {
  return withTransaction(db, async (tx) => {
    const { trip, other } = await tripOfParty(tx, tripId, me.id);
    if (!other) throw conflict('Nobody to report: no driver was assigned to this trip');
    const row = await insertReport(tx, {
      trip_id: trip.id,
      reporter_id: me.id,
      reported_id: other,
      category: body.category,
      text: body.text,
    });
    if (!row) throw conflict('You have already reported this trip');
    await insertBlock(tx, { blocker_id: me.id, blocked_id: other, source: 'report', trip_id: trip.id });
    await recordAudit(tx, {
      actorId: me.id,
      action: 'user.reported',
      targetType: 'user',
      targetId: other,
      details: { reportId: row.id, tripId: trip.id, category: body.category },
    });
    return toReportView(row);
  });
}

export async function listUserReports(
  db: Db,
  query: { status?: ReportStatus; reportedId?: string; limit: number; cursor?: string },
) {
  const rows = await listReports(db, { ...query, after: decodeCursor(query.cursor) });
  const { page, nextCursor } = pageOf(rows, query.limit);
  return { items: page.map(toReportView), nextCursor };
}

/** open → resolved with the admin's note, audited; an unknown report 404, an already resolved one 409. */
export async function resolveUserReport(db: Db, admin: Viewer, id: string, note: string) {
  return withTransaction(db, async (tx) => {
    const row = await resolveOpenReport(tx, { id, adminId: admin.id, note });
    if (!row) throw (await findReport(tx, id)) ? conflict('Report already resolved') : notFound('Report');
    await recordAudit(tx, {
      actorId: admin.id,
      action: 'user_report.resolved',
      targetType: 'user_report',
      targetId: id,
    });
    return toReportView(row);
  });
}

/** GDPR erasure (erase-user flow, its transaction): the user's comments, tags and report texts. */
export const trustPersonalData = { redactWordsOf };
