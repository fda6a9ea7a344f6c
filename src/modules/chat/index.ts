export { ChatService, openTripChat, toMessageView, type ChatDeps } from './chat.service.js';
export { redactMessagesOf } from './chat.repo.js';
export { registerChatRoutes } from './chat.routes.js';
export { chatSendEvent } from './chat.socket.js';
export { ChatSendEvent, SendMessageRequest, MessageSchema, MAX_CHAT_TEXT, type MessageView } from './chat.schema.js';
export { normalizeChatText, ModerationFilter } from './chat.text.js';
