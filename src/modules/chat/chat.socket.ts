import type { SocketEventDefinition } from '../../platform/realtime/event-registry.js';
import { ChatSendEvent } from './chat.schema.js';
import type { ChatService } from './chat.service.js';

/**
 * `chat:send {tripId, text, clientMessageId}` → ack `{messageId}`, sent only
 * after the message is stored (same rules and dedupe as the HTTP route).
 * Register with the gateway: `gateway.events.register(chatSendEvent(chat))`.
 */
export function chatSendEvent(chat: ChatService): SocketEventDefinition<typeof ChatSendEvent> {
  return {
    name: 'chat:send',
    summary: 'Send a chat message to the trip',
    schema: ChatSendEvent,
    handle: async ({ user }, payload) => {
      const message = await chat.sendMessage(user, payload.tripId, {
        text: payload.text,
        clientMessageId: payload.clientMessageId,
      });
      return { messageId: message.id };
    },
  };
}
