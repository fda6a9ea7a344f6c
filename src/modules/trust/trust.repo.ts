import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { newestFirstPage } from '../../platform/db/keyset.js';
import { RATING_WINDOW } from './rating-formula.js';

export type RaterRole = 'rider' | 'driver';
export type BlockSource = 'rating' | 'report' | 'manual';
export type ReportStatus = 'open' | 'resolved';

interface RatingsTable {
  trip_id: string;
  rater_id: string;
  ratee_id: string;
  rater_role: RaterRole;
  stars: number;
  comment: string | null;
  tags: string[];
  created_at: Generated<Date>;
}

interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  source: BlockSource;
  trip_id: string | null;
  created_at: Generated<Date>;
}

interface ReportsTable {
  id: Generated<string>;
  trip_id: string;
  reporter_id: string;
  reported_id: string;
  category: string;
  text: string;
  status: Generated<ReportStatus>;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: Generated<Date>;
}

export type RatingRow = Selectable<RatingsTable>;
export type BlockRow = Selectable<BlocksTable>;
export type ReportRow = Selectable<ReportsTable>;

type TrustTables = { trip_ratings: RatingsTable; user_blocks: BlocksTable; user_reports: ReportsTable };

const q = (db: DbHandle) => db.withTables<TrustTables>();

/** The row when this call rated; undefined when the party had already rated the trip (primary key). */
export async function insertRating(db: DbHandle, r: Omit<RatingRow, 'created_at'>) {
  return q(db)
    .insertInto('trip_ratings')
    .values({ ...r, tags: sql<string[]>`${r.tags}::text[]` })
    .onConflict((oc) => oc.columns(['trip_id', 'rater_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * Serialises the ratings of one ratee until commit. Taken after the rating
 * row is in, so the window read next (a new snapshot under READ COMMITTED)
 * includes every rating committed before this one: two ratings of the same
 * person never compute their aggregate from each other's blind spot.
 */
export async function lockRatee(db: DbHandle, rateeId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${'trip_ratings:' + rateeId}, 0))`.execute(db);
}

/** Count and sum of the ratee's newest ratings (the rolling window). */
export async function ratingWindow(db: DbHandle, rateeId: string): Promise<{ count: number; sum: number }> {
  const { rows } = await sql<{ count: number; sum: number | null }>`
    SELECT count(*)::int AS count, sum(stars)::int AS sum FROM (
      SELECT stars FROM trip_ratings WHERE ratee_id = ${rateeId}
      ORDER BY created_at DESC LIMIT ${RATING_WINDOW}) newest`.execute(db);
  return { count: rows[0]?.count ?? 0, sum: rows[0]?.sum ?? 0 };
}

/** True when this call created the block (blocking twice keeps the first row). */
export async function insertBlock(db: DbHandle, b: Omit<BlockRow, 'created_at'>): Promise<boolean> {
  const row = await q(db)
    .insertInto('user_blocks')
    .values(b)
    .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
    .returning('blocker_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteBlock(db: DbHandle, blockerId: string, blockedId: string): Promise<boolean> {
  const res = await q(db)
    .deleteFrom('user_blocks')
    .where('blocker_id', '=', blockerId)
    .where('blocked_id', '=', blockedId)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export async function listBlocksBy(db: DbHandle, blockerId: string) {
  return q(db)
    .selectFrom('user_blocks')
    .selectAll()
    .where('blocker_id', '=', blockerId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Everyone this user may not be matched with: those they blocked and those who blocked them. */
export async function findBlockedPartners(db: DbHandle, userId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT blocked_id AS id FROM user_blocks WHERE blocker_id = ${userId}
    UNION
    SELECT blocker_id AS id FROM user_blocks WHERE blocked_id = ${userId}`.execute(db);
  return rows.map((r) => r.id);
}

/** The report when this call created it; undefined when the reporter already reported this trip. */
export async function insertReport(
  db: DbHandle,
  r: Pick<ReportRow, 'trip_id' | 'reporter_id' | 'reported_id' | 'category' | 'text'>,
) {
  return q(db)
    .insertInto('user_reports')
    .values(r)
    .onConflict((oc) => oc.columns(['trip_id', 'reporter_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function listReports(
  db: DbHandle,
  args: { status?: ReportStatus; reportedId?: string; limit: number; after?: { at: string; id: string } },
) {
  let query = q(db).selectFrom('user_reports').selectAll();
  if (args.status) query = query.where('status', '=', args.status);
  if (args.reportedId) query = query.where('reported_id', '=', args.reportedId);
  return newestFirstPage(query, args).execute();
}

export async function findReport(db: DbHandle, id: string) {
  return q(db).selectFrom('user_reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** open → resolved (compare-and-set): undefined when the report is not open any more. */
export async function resolveOpenReport(db: DbHandle, args: { id: string; adminId: string; note: string }) {
  return q(db)
    .updateTable('user_reports')
    .set({ status: 'resolved', resolution_note: args.note, resolved_by: args.adminId, resolved_at: sql`now()` })
    .where('id', '=', args.id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}

/** Erasure: the user's own words in ratings and reports go; stars, categories and blocks stay for the other side. */
export async function redactWordsOf(db: DbHandle, userId: string, placeholder: string): Promise<void> {
  await sql`UPDATE trip_ratings SET comment = NULL, tags = '{}' WHERE rater_id = ${userId}`.execute(db);
  await sql`UPDATE user_reports SET text = ${placeholder} WHERE reporter_id = ${userId}`.execute(db);
}
