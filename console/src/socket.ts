import { io, type Socket } from 'socket.io-client';
import { currentSession, onSession } from './api.js';

let socket: Socket | null = null;

/** One socket per signed-in console, authenticated with the in-memory access token; closed at sign-out. */
export function consoleSocket(): Socket {
  if (socket) return socket;
  socket = io({ transports: ['websocket'], auth: (cb) => cb({ token: currentSession()?.accessToken }) });
  return socket;
}

onSession((s) => {
  if (!s && socket) {
    socket.disconnect();
    socket = null;
  }
});

export function emitAck<T>(event: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    consoleSocket().emit(event, payload, (reply: { ok: boolean; data?: T; error?: { message: string } }) =>
      reply.ok ? resolve(reply.data as T) : reject(new Error(reply.error?.message ?? 'failed')),
    ),
  );
}
