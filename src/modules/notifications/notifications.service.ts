import type { Db, DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { conflict, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { JobPriority } from '../../platform/jobs/task.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { FeatureFlags } from '../../platform/flags.js';
import { DEFAULT_LOCALE, type Locale } from '../../shared/index.js';
import { userAccounts } from '../users/index.js';
import { channelsFor } from './channels.js';
import {
  deletePushDevice,
  findPushTokens,
  keepNewestPushDevices,
  lockUserPushDevices,
  upsertPushDevice,
  type NewDelivery,
} from './deliveries.repo.js';
import { deliverNotificationTask, queueDeliveries } from './delivery.task.js';
import {
  findNotification,
  insertNotification,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  type Channel,
  type NotificationRow,
  type Priority,
} from './notifications.repo.js';
import { renderTemplate } from './templates/index.js';

export { deliverNotificationTask };

export interface NotifyInput {
  userId: string;
  /** A key of the template catalogue (templates/catalogue.ts); anything else is sent as its data.title/body. */
  template: string;
  data: Record<string, unknown>;
  priority: Priority;
  /** Channels to use; default by priority (see channels.ts). The socket/inbox is always included. */
  channels?: Channel[];
  /** Address for the email channel (users have no stored email). */
  email?: string;
}

async function store(tx: DbHandle, jobs: JobQueue, input: NotifyInput & { dedupeKey?: string }) {
  const row = await insertNotification(tx, input);
  if (!row) return null;
  await jobs.enqueue(
    tx,
    deliverNotificationTask,
    { notificationId: row.id },
    { priority: JobPriority[input.priority] },
  );
  return row.id;
}

/**
 * The one way to tell a user something: stores it in their inbox and enqueues
 * delivery in the caller's transaction, so a rolled-back change notifies nobody.
 * Priority becomes job priority (CRITICAL overtakes queued LOW work).
 */
export async function notify(tx: DbHandle, jobs: JobQueue, input: NotifyInput): Promise<string> {
  return (await store(tx, jobs, input))!;
}

/**
 * `notify` for a notice that must reach a user once whoever sends it (a retried projection job, a second node):
 * the first call under `dedupeKey` stores and enqueues it, any later one does nothing and returns null.
 */
export async function notifyOnce(
  tx: DbHandle,
  jobs: JobQueue,
  input: NotifyInput & { dedupeKey: string },
): Promise<string | null> {
  return store(tx, jobs, input);
}

export function toNotificationView(row: NotificationRow) {
  return {
    id: row.id,
    template: row.template,
    data: row.data as Record<string, unknown>,
    priority: row.priority,
    readAt: row.read_at ? row.read_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

type Recipient = Awaited<ReturnType<typeof userAccounts.findById>>;

async function targetsFor(
  db: DbHandle,
  n: NotificationRow,
  channel: Channel,
  user: Recipient,
): Promise<Array<Pick<NewDelivery, 'recipient' | 'recipientKind'>>> {
  switch (channel) {
    case 'socket':
      return [{ recipient: n.user_id, recipientKind: 'user' }];
    case 'push':
      return (await findPushTokens(db, n.user_id)).map((token) => ({
        recipient: token,
        recipientKind: 'device' as const,
      }));
    case 'sms':
      return user ? [{ recipient: user.phone, recipientKind: 'phone' }] : [];
    case 'email':
      return n.email ? [{ recipient: n.email, recipientKind: 'address' }] : [];
    case 'call':
      return [];
  }
}

function contentFor(n: NotificationRow, channel: Channel, locale: Locale): Record<string, unknown> {
  const data = n.data as Record<string, unknown>;
  const { title, body } = renderTemplate(n.template, data, locale);
  switch (channel) {
    case 'socket':
      return { event: 'notification', payload: toNotificationView(n) };
    case 'push':
      return { title, body, data: { notificationId: n.id, template: n.template } };
    case 'sms':
      return { body: `${title}: ${body}` };
    case 'email':
      return { subject: title, text: body };
    case 'call':
      return { say: body };
  }
}

/** The `notifications.deliver` job: one delivery row + send job per channel and recipient. */
export async function fanOutNotification(
  deps: { db: Db; jobs: JobQueue; flags: FeatureFlags },
  notificationId: string,
) {
  const n = await findNotification(deps.db, notificationId);
  if (!n) return;
  if (deps.flags.isOn('NOTIFICATIONS_DEGRADED') && n.priority !== 'CRITICAL') return; // stays in the inbox only
  const deliveries: NewDelivery[] = [];
  // The recipient's language picks the text; an erased or unknown user gets the default.
  const user = await userAccounts.findById(deps.db, n.user_id);
  const locale = user?.locale ?? DEFAULT_LOCALE;
  for (const channel of channelsFor(n.priority, n.channels)) {
    for (const target of await targetsFor(deps.db, n, channel, user)) {
      deliveries.push({
        notificationId: n.id,
        subjectType: 'notification',
        subjectId: n.id,
        channel,
        priority: n.priority,
        content: contentFor(n, channel, locale),
        ...target,
      });
    }
  }
  await withTransaction(deps.db, (tx) => queueDeliveries(tx, deps.jobs, deliveries));
}

export async function listInbox(db: Db, userId: string, query: { limit: number; cursor?: string }) {
  const rows = await listNotifications(db, { userId, limit: query.limit, after: decodeCursor(query.cursor) });
  const { page, nextCursor } = pageOf(rows, query.limit);
  return { items: page.map(toNotificationView), nextCursor };
}

export async function markRead(db: Db, userId: string, id: string) {
  const row = await markNotificationRead(db, { id, userId });
  if (!row) throw notFound('Notification');
  return toNotificationView(row);
}

export async function markAllRead(db: Db, userId: string) {
  return { updated: await markAllNotificationsRead(db, userId) };
}

/**
 * A token held by another user's live session is refused with 409 (the old
 * owner keeps it): it moves only after that session ends (logout, erasure).
 */
/** A user's devices that receive pushes; registering one more drops the least recently registered. */
export const MAX_PUSH_DEVICES = 10;

export async function registerPushDevice(
  db: Db,
  owner: { id: string; sessionId: string },
  device: { token: string; platform: 'android' | 'ios' | 'web' },
) {
  await withTransaction(db, async (tx) => {
    await lockUserPushDevices(tx, owner.id);
    if (!(await upsertPushDevice(tx, { ...device, userId: owner.id, sessionId: owner.sessionId }))) {
      throw conflict(
        'This push token is registered to another signed-in account on the device; it can be registered after ' +
          'that account logs out',
      );
    }
    await keepNewestPushDevices(tx, owner.id, MAX_PUSH_DEVICES);
  });
  return device;
}

export async function removePushDevice(db: Db, userId: string, token: string) {
  if (!(await deletePushDevice(db, { token, userId }))) throw notFound('Push token');
}

/** What flows may do with a user's push devices. */
export const pushDevices = {
  /** A user's registered device tokens (newest first, at most 10). */
  tokensOf: (db: DbHandle, userId: string): Promise<string[]> => findPushTokens(db, userId),
  /** Logout's `{deviceToken}`: the caller's own token is forgotten; someone else's or an unknown one is ignored. */
  async forgetOwn(db: DbHandle, userId: string, token: string): Promise<void> {
    await deletePushDevice(db, { token, userId });
  },
};
