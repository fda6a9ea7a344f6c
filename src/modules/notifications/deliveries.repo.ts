import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { Channel, Priority } from './notifications.repo.js';

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';
/** Who a delivery goes to: a user's sockets, the admin room, a device, a push topic, a phone or an address. */
export type RecipientKind =
  'user' | 'admins' | 'room' | 'device' | 'topic' | 'contact' | 'oncall' | 'phone' | 'address';

interface DeliveriesTable {
  id: Generated<string>;
  notification_id: string | null;
  subject_type: string;
  subject_id: string;
  channel: Channel;
  recipient: string;
  recipient_kind: RecipientKind;
  dedupe_key: Generated<string>;
  priority: Priority;
  content: unknown;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  provider_id: string | null;
  sent_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface PushDevicesTable {
  token: string;
  user_id: string;
  platform: 'android' | 'ios' | 'web';
  /** The session that registered it; ending that session deletes the row (migration 0014). */
  session_id: string | null;
  updated_at: Generated<Date>;
}

export type DeliveryRow = Selectable<DeliveriesTable>;
export type DeliveriesTables = { notification_deliveries: DeliveriesTable; push_devices: PushDevicesTable };
type Tables = DeliveriesTables;
const q = (db: DbHandle) => db.withTables<Tables>();

export interface NewDelivery {
  notificationId?: string;
  subjectType: string;
  subjectId: string;
  channel: Channel;
  recipient: string;
  recipientKind: RecipientKind;
  dedupeKey?: string;
  priority: Priority;
  content: Record<string, unknown>;
  /** Earliest send (the job's run_at); default now. */
  notBefore?: Date;
}

/** Inserts deliveries, skipping ones that already exist (a retried fan-out); returns only the new rows. */
export async function insertDeliveries(
  db: DbHandle,
  rows: NewDelivery[],
): Promise<Array<Pick<DeliveryRow, 'id' | 'priority' | 'channel' | 'recipient' | 'recipient_kind' | 'dedupe_key'>>> {
  if (rows.length === 0) return [];
  return q(db)
    .insertInto('notification_deliveries')
    .values(
      rows.map((r) => ({
        notification_id: r.notificationId ?? null,
        subject_type: r.subjectType,
        subject_id: r.subjectId,
        channel: r.channel,
        recipient: r.recipient,
        recipient_kind: r.recipientKind,
        dedupe_key: r.dedupeKey ?? '',
        priority: r.priority,
        content: JSON.stringify(r.content),
        last_error: null,
        provider_id: null,
        sent_at: null,
      })),
    )
    .onConflict((oc) => oc.constraint('notification_deliveries_once').doNothing())
    .returning(['id', 'priority', 'channel', 'recipient', 'recipient_kind', 'dedupe_key'])
    .execute();
}

export async function findDelivery(db: DbHandle, id: string) {
  return q(db).selectFrom('notification_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listDeliveriesFor(db: DbHandle, subject: { type: string; id: string }) {
  return q(db)
    .selectFrom('notification_deliveries')
    .selectAll()
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .orderBy('created_at')
    .orderBy('channel')
    .orderBy('recipient')
    .execute();
}

export async function markDeliverySent(db: DbHandle, args: { id: string; providerId?: string }) {
  await q(db)
    .updateTable('notification_deliveries')
    .set({
      status: 'sent',
      attempts: sql<number>`attempts + 1`,
      provider_id: args.providerId ?? null,
      sent_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', args.id)
    .execute();
}

export async function markDeliverySkipped(db: DbHandle, args: { id: string; reason: string }) {
  await q(db)
    .updateTable('notification_deliveries')
    .set({ status: 'skipped', last_error: args.reason, updated_at: sql<Date>`now()` })
    .where('id', '=', args.id)
    .execute();
}

/** Records one failed attempt; status stays pending while a retry is scheduled, else failed. */
export async function recordDeliveryFailure(
  db: DbHandle,
  args: { id: string; attempts: number; error: string; final: boolean },
) {
  await q(db)
    .updateTable('notification_deliveries')
    .set({
      status: args.final ? 'failed' : 'pending',
      attempts: args.attempts,
      last_error: args.error.slice(0, 1000),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', args.id)
    .execute();
}

export async function findPushTokens(db: DbHandle, userId: string): Promise<string[]> {
  const rows = await q(db)
    .selectFrom('push_devices')
    .select('token')
    .where('user_id', '=', userId)
    .orderBy('updated_at', 'desc')
    .limit(10)
    .execute();
  return rows.map((r) => r.token);
}

/**
 * Registers a device for the user's session; false (nothing written) when the
 * token still belongs to ANOTHER user (their session has not ended yet).
 */
export async function upsertPushDevice(
  db: DbHandle,
  d: { token: string; userId: string; sessionId: string; platform: PushDevicesTable['platform'] },
): Promise<boolean> {
  const row = await q(db)
    .insertInto('push_devices')
    .values({ token: d.token, user_id: d.userId, session_id: d.sessionId, platform: d.platform })
    .onConflict((oc) =>
      oc
        .column('token')
        .doUpdateSet({ platform: d.platform, session_id: d.sessionId, updated_at: sql<Date>`now()` })
        .where('push_devices.user_id', '=', d.userId),
    )
    .returning('token')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Keeps the user's `keep` most recently registered devices and deletes the rest. Registrations of one user
 * are serialised by an advisory lock so two at once cannot both see room and leave one device too many.
 */
export async function keepNewestPushDevices(tx: DbHandle, userId: string, keep: number): Promise<number> {
  const res = await sql`
    DELETE FROM push_devices WHERE user_id = ${userId} AND token NOT IN (
      SELECT token FROM push_devices WHERE user_id = ${userId} ORDER BY updated_at DESC, token LIMIT ${keep})`.execute(
    tx,
  );
  return Number(res.numAffectedRows ?? 0);
}

export async function lockUserPushDevices(tx: DbHandle, userId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`push_devices:${userId}`}))`.execute(tx);
}

export async function deletePushDevice(db: DbHandle, d: { token: string; userId: string }): Promise<boolean> {
  const res = await q(db)
    .deleteFrom('push_devices')
    .where('token', '=', d.token)
    .where('user_id', '=', d.userId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** A token the push provider reports dead, whoever holds it. */
export async function deletePushDeviceToken(db: DbHandle, token: string): Promise<void> {
  await q(db).deleteFrom('push_devices').where('token', '=', token).execute();
}

export async function deleteUserPushDevices(db: DbHandle, userId: string) {
  await q(db).deleteFrom('push_devices').where('user_id', '=', userId).execute();
}
