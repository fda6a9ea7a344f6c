export { ChatService, openTripChat, chatLog } from './chat.service.js';
export { chatPersonalData } from './personal-data.service.js';
export { registerChatRoutes } from './chat.routes.js';
export { chatSendEvent, requestChatSendEvent } from './chat.socket.js';
export { registerChatTasks } from './chat.tasks.js';
