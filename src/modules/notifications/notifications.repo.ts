import type { Generated, Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

export type Priority = 'CRITICAL' | 'HIGH' | 'NORMAL' | 'LOW';

interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  template: string;
  data: unknown;
  priority: Priority;
  read_at: Date | null;
  created_at: Generated<Date>;
}

export type NotificationRow = Selectable<NotificationsTable>;
type NotificationTables = { notifications: NotificationsTable };

const q = (db: DbHandle) => db.withTables<NotificationTables>();

export async function insertNotification(db: DbHandle, n: { userId: string; template: string; data: Record<string, unknown>; priority: Priority }) {
  return q(db)
    .insertInto('notifications')
    .values({ user_id: n.userId, template: n.template, data: JSON.stringify(n.data), priority: n.priority })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findNotification(db: DbHandle, id: string) {
  return q(db).selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listNotifications(db: DbHandle, args: { userId: string; limit: number; after?: { createdAt: Date; id: string } }) {
  let query = q(db).selectFrom('notifications').selectAll().where('user_id', '=', args.userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(args.limit + 1);
  if (args.after) {
    const { createdAt, id } = args.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.execute();
}
