import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';

export type Priority = 'CRITICAL' | 'HIGH' | 'NORMAL' | 'LOW';
export type Channel = 'socket' | 'push' | 'sms' | 'email' | 'call';

interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  template: string;
  data: unknown;
  priority: Priority;
  /** null = the default channels for the priority. */
  channels: Channel[] | null;
  email: string | null;
  /** The sender's name for this notice: one per user and key (migration 0029). */
  dedupe_key: string | null;
  read_at: Date | null;
  created_at: Generated<Date>;
}

export type NotificationRow = Selectable<NotificationsTable>;
export type NotificationTables = { notifications: NotificationsTable };

const q = (db: DbHandle) => db.withTables<NotificationTables>();

export async function insertNotification(
  db: DbHandle,
  n: {
    userId: string;
    template: string;
    data: Record<string, unknown>;
    priority: Priority;
    channels?: Channel[];
    email?: string;
    dedupeKey?: string;
  },
): Promise<{ id: string } | undefined> {
  return (
    q(db)
      .insertInto('notifications')
      .values({
        user_id: n.userId,
        template: n.template,
        data: JSON.stringify(n.data),
        priority: n.priority,
        channels: n.channels ? sql<Channel[]>`${sql.val(n.channels)}::text[]` : null,
        email: n.email ?? null,
        dedupe_key: n.dedupeKey ?? null,
      })
      // A notice already given under this key (a retried projection, a second node's ETA) is not given again.
      .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
      .returning(['id'])
      .executeTakeFirst()
  );
}

export async function findNotification(db: DbHandle, id: string) {
  return q(db).selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; the cursor carries the exact (microsecond) created_at of the previous page's last row. */
export async function listNotifications(
  db: DbHandle,
  args: { userId: string; limit: number; after?: { at: string; id: string } },
) {
  let query = q(db)
    .selectFrom('notifications')
    .selectAll()
    .select(sql<string>`${sql.raw(EXACT_CREATED_AT_SQL)}`.as('created_at_exact'))
    .where('user_id', '=', args.userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.after) {
    const { at, id } = args.after;
    query = query.where(sql<boolean>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return query.execute();
}

/** Marks one of the user's notifications read (first read time wins); undefined if not theirs. */
export async function markNotificationRead(db: DbHandle, args: { id: string; userId: string }) {
  return q(db)
    .updateTable('notifications')
    .set({ read_at: sql<Date>`coalesce(read_at, now())` })
    .where('id', '=', args.id)
    .where('user_id', '=', args.userId)
    .returningAll()
    .executeTakeFirst();
}

export async function markAllNotificationsRead(db: DbHandle, userId: string): Promise<number> {
  const res = await q(db)
    .updateTable('notifications')
    .set({ read_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Erasure: the inbox (and its delivery rows, by cascade) and every push device token of the user. */
export async function eraseNotificationDataOf(db: DbHandle, userId: string): Promise<void> {
  await sql`DELETE FROM notifications WHERE user_id = ${userId}`.execute(db);
  await sql`DELETE FROM push_devices WHERE user_id = ${userId}`.execute(db);
}

/** Deletes up to `batch` read notifications created before `cutoff`; returns how many. */
export async function deleteReadNotificationsBatch(db: DbHandle, cutoff: Date, batch: number): Promise<number> {
  const res = await sql`
    DELETE FROM notifications WHERE id IN (
      SELECT id FROM notifications WHERE read_at IS NOT NULL AND created_at < ${cutoff} LIMIT ${batch}
      FOR UPDATE SKIP LOCKED)`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
