import type { Db } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { notifyOnce } from '../notifications/index.js';
import { userAccounts } from '../users/index.js';
import { chatOfflinePushTask } from './chat-push.task.js';
import { refOfRow, subjectKey } from './chat-subject.js';
import { findMessage, findRoom } from './chat.repo.js';

/** A lock-screen preview, not the whole message (the app shows it in full). */
const PREVIEW_CHARS = 140;

export interface ChatPushDeps {
  db: Db;
  jobs: JobQueue;
  realtime: Pick<RealtimeEmitter, 'hasLiveSocket'>;
}

/**
 * Issue 17.3 (trips) and 18.4 (service requests): a member with a live socket got the message in the room; one
 * without (app in the background, phone locked) gets a push. Once per message and member (dedupe key), even if the
 * job re-runs.
 */
export async function pushChatToAwayMembers(deps: ChatPushDeps, messageId: string) {
  const message = await findMessage(deps.db, messageId);
  const room = message ? await findRoom(deps.db, message.conversation_id) : undefined;
  if (!message || !room) return;
  const sender = await userAccounts.findById(deps.db, message.sender_id);
  const members = [room.rider_id, room.driver_id].filter((id) => id !== message.sender_id);
  for (const userId of members) {
    if ((await deps.realtime.hasLiveSocket?.(userId)) === true) continue;
    await notifyOnce(deps.db, deps.jobs, {
      userId,
      template: 'chat.message',
      data: {
        // `tripId` or `requestId`: where the app opens the chat when the push is tapped.
        ...subjectKey(refOfRow(message)),
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
