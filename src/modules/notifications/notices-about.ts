import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { NotificationTables } from './notifications.repo.js';
import type { DeliveriesTables } from './deliveries.repo.js';

/** A trip's story has at most a handful of notices per person; more are cut here. */
const NOTICES_LIMIT = 100;

/** How a notice's data names what it is about: a trip (`tripId`) or a service request (`requestId`). */
export type NoticeSubject = { tripId: string } | { requestId: string };

/**
 * Issue 19.4: the notices sent to these users about one trip or service request (their data names it: progress,
 * receipt, reminder), oldest first, each with its delivery per channel and device. Reads the users' own rows
 * (indexed by user) and filters by the subject, so it stays cheap whatever the table's size.
 */
export async function noticesAbout(db: DbHandle, a: { userIds: string[]; subject: NoticeSubject }) {
  if (a.userIds.length === 0) return [];
  const [key, id] = 'tripId' in a.subject ? ['tripId', a.subject.tripId] : ['requestId', a.subject.requestId];
  const notices = await db
    .withTables<NotificationTables>()
    .selectFrom('notifications')
    .select(['id', 'user_id', 'template', 'created_at'])
    .where('user_id', 'in', a.userIds)
    .where(sql<string>`data->>${key}`, '=', id)
    .orderBy('created_at')
    .orderBy('id')
    .limit(NOTICES_LIMIT)
    .execute();
  if (notices.length === 0) return [];
  const deliveries = await db
    .withTables<DeliveriesTables>()
    .selectFrom('notification_deliveries')
    .select(['subject_id', 'channel', 'recipient_kind', 'status', 'attempts', 'last_error', 'sent_at'])
    .where('subject_type', '=', 'notification')
    .where(
      'subject_id',
      'in',
      notices.map((n) => n.id),
    )
    .orderBy('created_at')
    .execute();
  return notices.map((n) => ({
    userId: n.user_id,
    template: n.template,
    createdAt: n.created_at.toISOString(),
    deliveries: deliveries
      .filter((d) => d.subject_id === n.id)
      .map((d) => ({
        channel: d.channel,
        status: d.status,
        attempts: d.attempts,
        ...(d.last_error ? { lastError: d.last_error } : {}),
        sentAt: d.sent_at ? d.sent_at.toISOString() : null,
      })),
  }));
}
