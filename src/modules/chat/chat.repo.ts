import { sql, type Generated, type GeneratedAlways, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';
import type { ChatSubjectRef } from './chat-subject.js';

/** Migration 0062: a room and its messages belong to a trip or a service request; `conversation_id` is that id. */
interface ChatRoomsTable {
  trip_id: string | null;
  service_request_id: string | null;
  conversation_id: GeneratedAlways<string>;
  rider_id: string;
  driver_id: string;
  created_at: Generated<Date>;
}

interface ChatMessagesTable {
  id: Generated<string>;
  trip_id: string | null;
  service_request_id: string | null;
  conversation_id: GeneratedAlways<string>;
  sender_id: string;
  text: string;
  client_message_id: string;
  flagged: Generated<boolean>;
  created_at: Generated<Date>;
}

interface ChatReportsTable {
  message_id: string;
  reporter_id: string;
  reason: string | null;
  created_at: Generated<Date>;
}

export type ChatMessageRow = Selectable<ChatMessagesTable>;
type Tables = { chat_rooms: ChatRoomsTable; chat_messages: ChatMessagesTable; chat_reports: ChatReportsTable };
const q = (db: DbHandle) => db.withTables<Tables>();

/** The subject's own column (the other stays null); `conversation_id` is computed from it. */
const subjectColumns = (ref: ChatSubjectRef) =>
  ref.kind === 'trip' ? { trip_id: ref.id, service_request_id: null } : { trip_id: null, service_request_id: ref.id };

/** One room per trip or request; a re-dispatched trip's room follows the new driver. */
export async function upsertRoom(db: DbHandle, room: { ref: ChatSubjectRef; riderId: string; driverId: string }) {
  await q(db)
    .insertInto('chat_rooms')
    .values({ ...subjectColumns(room.ref), rider_id: room.riderId, driver_id: room.driverId })
    .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ driver_id: room.driverId }))
    .execute();
}

export async function findRoom(db: DbHandle, conversationId: string) {
  return q(db).selectFrom('chat_rooms').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
}

/** Inserts unless (conversation, sender, clientMessageId) exists; undefined means a replay. */
export async function insertMessage(
  db: DbHandle,
  m: { ref: ChatSubjectRef; senderId: string; text: string; clientMessageId: string; flagged: boolean },
) {
  return q(db)
    .insertInto('chat_messages')
    .values({
      ...subjectColumns(m.ref),
      sender_id: m.senderId,
      text: m.text,
      client_message_id: m.clientMessageId,
      flagged: m.flagged,
    })
    .onConflict((oc) => oc.constraint('chat_messages_client_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findMessageByClientId(
  db: DbHandle,
  k: { conversationId: string; senderId: string; clientMessageId: string },
) {
  return q(db)
    .selectFrom('chat_messages')
    .selectAll()
    .where('conversation_id', '=', k.conversationId)
    .where('sender_id', '=', k.senderId)
    .where('client_message_id', '=', k.clientMessageId)
    .executeTakeFirst();
}

export async function findMessage(db: DbHandle, id: string) {
  return q(db).selectFrom('chat_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first, keyset on (created_at, id). */
export async function listMessages(
  db: DbHandle,
  args: { conversationId: string; limit: number; after?: { at: string; id: string } },
) {
  let query = q(db)
    .selectFrom('chat_messages')
    .selectAll()
    .select(sql<string>`${sql.raw(EXACT_CREATED_AT_SQL)}`.as('created_at_exact'))
    .where('conversation_id', '=', args.conversationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.after)
    query = query.where(sql<boolean>`(created_at, id) < (${args.after.at}::timestamptz, ${args.after.id}::uuid)`);
  return query.execute();
}

/** Returns the report only when this call created it (a second report by the same user is a no-op). */
export async function insertReport(db: DbHandle, r: { messageId: string; reporterId: string; reason: string | null }) {
  return q(db)
    .insertInto('chat_reports')
    .values({ message_id: r.messageId, reporter_id: r.reporterId, reason: r.reason })
    .onConflict((oc) => oc.columns(['message_id', 'reporter_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findReport(db: DbHandle, k: { messageId: string; reporterId: string }) {
  return q(db)
    .selectFrom('chat_reports')
    .selectAll()
    .where('message_id', '=', k.messageId)
    .where('reporter_id', '=', k.reporterId)
    .executeTakeFirst();
}

/**
 * Erasure: the user's words leave the chat history; the messages stay as placeholders so threads still read in order.
 */
export async function redactMessagesOf(db: DbHandle, senderId: string, placeholder: string): Promise<void> {
  await sql`UPDATE chat_messages SET text = ${placeholder} WHERE sender_id = ${senderId}`.execute(db);
}
