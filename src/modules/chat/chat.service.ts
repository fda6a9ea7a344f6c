import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db, DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, conflict, forbidden, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { LimiterFactory } from '../../platform/http/rate-limit.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { Viewer } from '../trips/index.js';
import {
  loadChatSubject,
  refOfRow,
  subjectKey,
  subjectRoom,
  type ChatSubject,
  type ChatSubjectRef,
} from './chat-subject.js';
import { chatMessages } from './chat.metrics.js';
import { chatOfflinePushTask } from './chat-push.task.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';
import {
  findMessage,
  findMessageByClientId,
  findReport,
  findRoom,
  insertMessage,
  insertReport,
  listMessages,
  upsertRoom,
  type ChatMessageRow,
} from './chat.repo.js';
import type { MessageView } from './chat.schema.js';
import { ModerationFilter, normalizeChatText } from './chat.text.js';

const RATE_WINDOW_S = 60;

export interface ChatDeps {
  db: Db;
  /** The away members' push is enqueued with the message. */
  jobs: JobQueue;
  realtime: RealtimeEmitter;
  log: Logger;
  ratePerMinute: number;
  /** The app's limiter factory: the count lives in Redis when there is one, so a sender cannot spread over nodes. */
  limits: LimiterFactory;
  blockedWords: string[];
}

export function toMessageView(row: ChatMessageRow): MessageView {
  return {
    id: row.id,
    ...subjectKey(refOfRow(row)),
    from: row.sender_id,
    text: row.text,
    clientMessageId: row.client_message_id,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * A trip's or a service request's chat (its id is the conversation id: migration 0062) for the console's traces
 * (staff read it: issue 19.4), oldest first, the last `limit` messages.
 */
export async function chatLog(db: DbHandle, conversationId: string, limit: number): Promise<MessageView[]> {
  return (await listMessages(db, { conversationId, limit })).slice(0, limit).reverse().map(toMessageView);
}

/** Opens the trip's chat room; called inside the accept transaction (src/flows/respond-to-offer.ts). */
export async function openTripChat(tx: DbHandle, room: { tripId: string; riderId: string; driverId: string }) {
  await upsertRoom(tx, { ref: { kind: 'trip', id: room.tripId }, riderId: room.riderId, driverId: room.driverId });
}

/**
 * The chat of a trip or of a service request (chat-subject.ts): only its two parties and staff read and write
 * (a trip: 404 for one the caller cannot see, 403 for a visible one they are not part of; a request: 404);
 * messages are stored before anyone is told; writes stop when the trip or request ends.
 */
export class ChatService {
  private readonly limiter: RateLimiterAbstract;
  private readonly moderation: ModerationFilter;

  constructor(private readonly deps: ChatDeps) {
    this.limiter = deps.limits('chat', deps.ratePerMinute, RATE_WINDOW_S);
    this.moderation = new ModerationFilter(deps.blockedWords);
  }

  /**
   * The room is normally created with a trip's accept; a trip assigned by another path (bid selection, admin) and
   * every service request get it on first use. No driver or provider ⇒ no chat yet.
   */
  private async ensureRoom(subject: ChatSubject) {
    if (await findRoom(this.deps.db, subject.ref.id)) return;
    if (!subject.driverId || !subject.open)
      throw conflict(
        subject.ref.kind === 'trip'
          ? 'Chat opens when a driver accepts the trip'
          : 'Chat opens when a provider is assigned to the request',
      );
    await upsertRoom(this.deps.db, { ref: subject.ref, riderId: subject.riderId, driverId: subject.driverId });
  }

  private async consumeRate(conversationId: string, userId: string) {
    try {
      await this.limiter.consume(`${conversationId}:${userId}`);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError(
        ErrorCode.RATE_LIMITED,
        'Too many chat messages',
        { retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
  }

  async sendMessage(
    sender: Viewer,
    ref: ChatSubjectRef,
    input: { text: string; clientMessageId: string },
  ): Promise<MessageView> {
    const subject = await loadChatSubject(this.deps.db, ref, sender);
    if (subject.ended) throw conflict(`${subjectNoun(ref)} is ${subject.status}; its chat is read-only`);
    await this.ensureRoom(subject);
    const key = { conversationId: ref.id, senderId: sender.id, clientMessageId: input.clientMessageId };
    const replay = await findMessageByClientId(this.deps.db, key);
    if (replay) return toMessageView(replay);
    const moderated = this.moderation.apply(normalizeChatText(input.text));
    const { row, created } = await withTransaction(this.deps.db, async (tx) => {
      const inserted = await insertMessage(tx, { ref, ...key, text: moderated.text, flagged: moderated.flagged });
      if (!inserted) return { row: (await findMessageByClientId(tx, key))!, created: false };
      // Counted only for a new message (a concurrent retry waits on the insert and is not charged); over the limit
      // rolls back.
      await this.consumeRate(ref.id, sender.id);
      await this.deps.jobs.enqueue(
        tx,
        chatOfflinePushTask,
        { messageId: inserted.id },
        { jobKey: `chat-push:${inserted.id}` },
      );
      if (moderated.flagged) {
        await recordAudit(tx, {
          actorId: sender.id,
          action: 'chat.message_flagged',
          targetType: 'chat_message',
          targetId: inserted.id,
          details: { ...subjectKey(ref), matched: moderated.matched },
        });
      }
      return { row: inserted, created: true };
    });
    const view = toMessageView(row);
    if (created) {
      chatMessages.inc({ flagged: String(moderated.flagged) });
      this.emitMessage(ref, view);
    }
    return view;
  }

  /** After commit: trip chat is `chat:message` in `trip:{id}`, a request's is `request:chat_message` in its room. */
  private emitMessage(ref: ChatSubjectRef, view: MessageView) {
    const payload = { ...subjectKey(ref), messageId: view.id, from: view.from, text: view.text, at: view.createdAt };
    const event = ref.kind === 'trip' ? 'chat:message' : 'request:chat_message';
    this.deps.realtime.toRoom(subjectRoom(ref), event, payload);
  }

  async listMessages(viewer: Viewer, ref: ChatSubjectRef, query: { limit: number; cursor?: string }) {
    await loadChatSubject(this.deps.db, ref, viewer);
    const rows = await listMessages(this.deps.db, {
      conversationId: ref.id,
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: page.map(toMessageView), nextCursor };
  }

  /** A member reports someone else's message: stored once per reporter, audited, admins told. */
  async reportMessage(reporter: Viewer, messageId: string, reason: string | undefined) {
    const message = await findMessage(this.deps.db, messageId);
    if (!message) throw notFound('Message');
    const ref = refOfRow(message);
    await loadChatSubject(this.deps.db, ref, reporter).catch((err: unknown) => {
      const hidden = err instanceof AppError && (err.code === ErrorCode.FORBIDDEN || err.code === ErrorCode.NOT_FOUND);
      throw hidden ? notFound('Message') : err;
    });
    if (message.sender_id === reporter.id) throw forbidden('You cannot report your own message');
    const report = await withTransaction(this.deps.db, async (tx) => {
      const created = await insertReport(tx, { messageId, reporterId: reporter.id, reason: reason ?? null });
      if (!created) return { row: (await findReport(tx, { messageId, reporterId: reporter.id }))!, created: false };
      await recordAudit(tx, {
        actorId: reporter.id,
        action: 'chat.message_reported',
        targetType: 'chat_message',
        targetId: messageId,
        details: { ...subjectKey(ref), reason: reason ?? null },
      });
      return { row: created, created: true };
    });
    if (report.created)
      this.deps.realtime.toAdmins('chat:message_reported', {
        messageId,
        ...subjectKey(ref),
        reporterId: reporter.id,
        reason: reason ?? null,
      });
    return { messageId, reportedAt: report.row.created_at.toISOString() };
  }
}

const subjectNoun = (ref: ChatSubjectRef) => (ref.kind === 'trip' ? 'Trip' : 'Service request');
