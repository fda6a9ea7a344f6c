import { holdsGrant, STAFF_ACCESS } from '../../platform/http/route-config.js';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db, DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, conflict, forbidden, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { LimiterFactory } from '../../platform/http/rate-limit.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { TERMINAL_STATUSES, getVisibleTrip, type TripRow, type TripStatus, type Viewer } from '../trips/index.js';
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
/** A trip with an assigned driver that has not ended. */
const CHAT_OPEN_STATUSES: TripStatus[] = ['accepted', 'arrived', 'started'];

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
    tripId: row.trip_id,
    from: row.sender_id,
    text: row.text,
    clientMessageId: row.client_message_id,
    createdAt: row.created_at.toISOString(),
  };
}

/** A trip's chat for the console's trace (staff read it: issue 19.4), oldest first, the last `limit` messages. */
export async function tripChatLog(db: DbHandle, tripId: string, limit: number): Promise<MessageView[]> {
  return (await listMessages(db, { tripId, limit })).slice(0, limit).reverse().map(toMessageView);
}

/** Opens the trip's chat room; called inside the accept transaction (src/flows/respond-to-offer.ts). */
export async function openTripChat(tx: DbHandle, room: { tripId: string; riderId: string; driverId: string }) {
  await upsertRoom(tx, room);
}

function isMember(trip: TripRow, viewer: Viewer): boolean {
  return holdsGrant(viewer, STAFF_ACCESS.trips) || viewer.id === trip.rider_id || viewer.id === trip.driver_id;
}

/**
 * Trip chat: only the rider, the assigned driver and admins read and write
 * (404 for a trip the caller cannot see, 403 for a visible one they are not
 * part of); messages are stored before anyone is told; writes stop when the trip ends.
 */
export class ChatService {
  private readonly limiter: RateLimiterAbstract;
  private readonly moderation: ModerationFilter;

  constructor(private readonly deps: ChatDeps) {
    this.limiter = deps.limits('chat', deps.ratePerMinute, RATE_WINDOW_S);
    this.moderation = new ModerationFilter(deps.blockedWords);
  }

  private async memberTrip(tripId: string, viewer: Viewer): Promise<TripRow> {
    const trip = await getVisibleTrip(this.deps.db, tripId, viewer);
    if (!isMember(trip, viewer)) throw forbidden('Only the trip rider, driver and admins may use this chat');
    return trip;
  }

  /**
   * The room is normally created with the accept; a trip assigned by another
   * path (bid selection, admin) gets it on first use. No driver ⇒ no chat yet.
   */
  private async ensureRoom(trip: TripRow) {
    if (await findRoom(this.deps.db, trip.id)) return;
    if (!trip.driver_id || !CHAT_OPEN_STATUSES.includes(trip.status))
      throw conflict('Chat opens when a driver accepts the trip');
    await upsertRoom(this.deps.db, { tripId: trip.id, riderId: trip.rider_id, driverId: trip.driver_id });
  }

  private async consumeRate(tripId: string, userId: string) {
    try {
      await this.limiter.consume(`${tripId}:${userId}`);
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
    tripId: string,
    input: { text: string; clientMessageId: string },
  ): Promise<MessageView> {
    const trip = await this.memberTrip(tripId, sender);
    if (TERMINAL_STATUSES.includes(trip.status)) throw conflict(`Trip is ${trip.status}; its chat is read-only`);
    await this.ensureRoom(trip);
    const key = { tripId, senderId: sender.id, clientMessageId: input.clientMessageId };
    const replay = await findMessageByClientId(this.deps.db, key);
    if (replay) return toMessageView(replay);
    const moderated = this.moderation.apply(normalizeChatText(input.text));
    const { row, created } = await withTransaction(this.deps.db, async (tx) => {
      const inserted = await insertMessage(tx, { ...key, text: moderated.text, flagged: moderated.flagged });
      if (!inserted) return { row: (await findMessageByClientId(tx, key))!, created: false };
      // Counted only for a new message (a concurrent retry waits on the insert and is not charged); over the limit
      // rolls back.
      await this.consumeRate(tripId, sender.id);
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
          details: { tripId, matched: moderated.matched },
        });
      }
      return { row: inserted, created: true };
    });
    const view = toMessageView(row);
    if (created) {
      chatMessages.inc({ flagged: String(moderated.flagged) });
      this.deps.realtime.toRoom(`trip:${tripId}`, 'chat:message', {
        tripId,
        messageId: view.id,
        from: view.from,
        text: view.text,
        at: view.createdAt,
      });
    }
    return view;
  }

  async listMessages(viewer: Viewer, tripId: string, query: { limit: number; cursor?: string }) {
    await this.memberTrip(tripId, viewer);
    const rows = await listMessages(this.deps.db, { tripId, limit: query.limit, after: decodeCursor(query.cursor) });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: page.map(toMessageView), nextCursor };
  }

  /** A member reports someone else's message: stored once per reporter, audited, admins told. */
  async reportMessage(reporter: Viewer, messageId: string, reason: string | undefined) {
    const message = await findMessage(this.deps.db, messageId);
    if (!message) throw notFound('Message');
    await this.memberTrip(message.trip_id, reporter).catch((err: unknown) => {
      throw err instanceof AppError && err.code === ErrorCode.FORBIDDEN ? notFound('Message') : err;
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
        details: { tripId: message.trip_id, reason: reason ?? null },
      });
      return { row: created, created: true };
    });
    if (report.created)
      this.deps.realtime.toAdmins('chat:message_reported', {
        messageId,
        tripId: message.trip_id,
        reporterId: reporter.id,
        reason: reason ?? null,
      });
    return { messageId, reportedAt: report.row.created_at.toISOString() };
  }
}
