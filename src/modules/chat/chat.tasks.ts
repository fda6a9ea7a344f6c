import type { Db } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { notifyOnce } from '../notifications/index.js';
import { userAccounts } from '../users/index.js';
import { chatOfflinePushTask } from './chat-push.task.js';
import { findMessage, findRoom } from './chat.repo.js';

/** A lock-screen preview, not the whole message (the app shows it in full). */
const PREVIEW_CHARS = 140;

export interface ChatPushDeps {
  db: Db;
  jobs: JobQueue;
  realtime: Pick<RealtimeEmitter, 'hasLiveSocket'>;
}

/**
 * Issue 17.3: a member with a live socket got `chat:message` in the trip room; one without (app in the
 * background, phone locked) gets a push. Once per message and member (dedupe key), even if the job re-runs.
 */
export async function pushChatToAwayMembers(deps: ChatPushDeps, messageId: string) {
  const message = await findMessage(deps.db, messageId);
  const room = message ? await findRoom(deps.db, message.trip_id) : undefined;
  if (!message || !room) return;
  const sender = await userAccounts.findById(deps.db, message.sender_id);
  const members = [room.rider_id, room.driver_id].filter((id) => id !== message.sender_id);
  for (const userId of members) {
    if ((await deps.realtime.hasLiveSocket?.(userId)) === true) continue;
    await notifyOnce(deps.db, deps.jobs, {
      userId,
      template: 'chat.message',
      data: {
        tripId: message.trip_id,
        messageId,
        senderName: sender?.name ?? '',
        text: message.text.slice(0, PREVIEW_CHARS),
      },
      priority: 'NORMAL',
      channels: ['push'],
      dedupeKey: `chat:${messageId}`,
    });
  }
}

export function registerChatTasks(deps: ChatPushDeps) {
  deps.jobs.register(chatOfflinePushTask, async ({ messageId }) => pushChatToAwayMembers(deps, messageId));
}
