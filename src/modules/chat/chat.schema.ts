import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeText } from '../../platform/text.js';

/** API.md: text ≤ 2000 characters; the client id makes retries safe. */
export const MAX_CHAT_TEXT = 2000;

export const SendMessageRequest = z.object({
  text: safeText({ min: 1, max: MAX_CHAT_TEXT, multiline: true }),
  clientMessageId: z.string().min(1).max(100),
});

/** Socket `chat:send` payload (API.md). */
export const ChatSendEvent = SendMessageRequest.extend({ tripId: z.uuid() });

/** Socket `request:chat_send` payload: the same message, to a service request's chat (issue 18 #4). */
export const RequestChatSendEvent = SendMessageRequest.extend({ requestId: z.uuid() });

export const MessageSchema = named(
  'Message',
  z.object({
    id: z.uuid(),
    tripId: z.uuid(),
    from: z.uuid(),
    text: z.string(),
    clientMessageId: z.string(),
    createdAt: z.string(),
  }),
);

/** A message of a service request's chat: as Message, keyed by `requestId`. */
export const ServiceRequestMessageSchema = named(
  'ServiceRequestMessage',
  z.object({
    id: z.uuid(),
    requestId: z.uuid(),
    from: z.uuid(),
    text: z.string(),
    clientMessageId: z.string(),
    createdAt: z.string(),
  }),
);
export type MessageView = z.infer<typeof MessageSchema> | z.infer<typeof ServiceRequestMessageSchema>;

/** `{id}` of the trip or service request whose chat is read or written. */
export const TripIdParams = z.object({ id: z.uuid() });
export const MessageIdParams = z.object({ id: z.uuid() });

export const ListMessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const ReportRequest = z.object({ reason: safeText({ max: 500, multiline: true }).optional() });

export const ReportSchema = z.object({ messageId: z.uuid(), reportedAt: z.string() });
