import type { SocketEventDefinition } from '../../platform/realtime/event-registry.js';
import { ChatSendEvent, RequestChatSendEvent } from './chat.schema.js';
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
      const message = await chat.sendMessage(
        user,
        { kind: 'trip', id: payload.tripId },
        {
          text: payload.text,
          clientMessageId: payload.clientMessageId,
        },
      );
      return { messageId: message.id };
    },
  };
}

/**
 * `request:chat_send {requestId, text, clientMessageId}` → ack `{messageId}`: `chat:send` for a service request's
 * chat (issue 18 #4); the request's room hears `request:chat_message`.
 */
export function requestChatSendEvent(chat: ChatService): SocketEventDefinition<typeof RequestChatSendEvent> {
  return {
    name: 'request:chat_send',
    summary: "Send a chat message to the service request's other party",
    schema: RequestChatSendEvent,
    handle: async ({ user }, payload) => {
      const message = await chat.sendMessage(
        user,
        { kind: 'service_request', id: payload.requestId },
        { text: payload.text, clientMessageId: payload.clientMessageId },
      );
      return { messageId: message.id };
    },
  };
}
