import type { Socket } from 'socket.io';
import { z } from 'zod';
import { ErrorCode, forbidden } from '../errors.js';
import type { TokenVerifier } from '../http/route-config.js';
import type { Logger } from '../observability/logger.js';
import type { SocketEventDefinition, SocketUser } from './event-registry.js';
import type { SocketData } from './handshake.js';

/** Server → client event names of the token lifecycle (API.md "Socket.IO"). */
export const TOKEN_EXPIRING = 'auth:token_expiring';
export const TOKEN_EXPIRED = 'auth:token_expired';
/** Sent (without ack) when the server refuses or ends something the client did not ask about. */
export const SOCKET_ERROR = 'socket:error';

interface ConnectionState {
  timer?: NodeJS.Timeout;
  /** Legacy event names this connection already used (logged once each). */
  legacySeen?: Set<string>;
}

export interface SessionSettings {
  maxPerUser: number;
  /** API.md: `auth:token_expiring` 60 s before expiry. */
  warningMs: number;
  log: Logger;
}

export const userOf = (socket: Socket): SocketUser => (socket.data as SocketData).user;

/**
 * A notice to one connection, delivered at once. `socket.emit` would go
 * through the cluster adapter when connection-state recovery is on (a Redis
 * round trip first), so a notice followed by a disconnect could be lost.
 */
export function notifySocket(socket: Socket, event: string, payload: Record<string, unknown>): void {
  socket.nsp.local.to(socket.id).emit(event, payload);
}

/**
 * This node's connections: the per-user socket cap (the oldest connection
 * gives way, so a phone that reconnects before its dead socket timed out is
 * never locked out) and the access-token clock of every socket.
 */
export class SessionManager {
  private readonly byUser = new Map<string, Socket[]>();
  private readonly state = new Map<Socket, ConnectionState>();

  constructor(private readonly settings: SessionSettings) {}

  get size(): number {
    return this.state.size;
  }

  admit(socket: Socket): void {
    const user = userOf(socket);
    const sockets = this.byUser.get(user.id) ?? [];
    sockets.push(socket);
    this.byUser.set(user.id, sockets);
    this.state.set(socket, {});
    while (sockets.length > this.settings.maxPerUser) this.evict(sockets.shift()!);
    this.armExpiry(socket);
  }

  release(socket: Socket): void {
    const st = this.state.get(socket);
    if (st?.timer) clearTimeout(st.timer);
    this.state.delete(socket);
    const user = userOf(socket);
    const sockets = this.byUser.get(user.id);
    if (!sockets) return;
    const i = sockets.indexOf(socket);
    if (i >= 0) sockets.splice(i, 1);
    if (sockets.length === 0) this.byUser.delete(user.id);
  }

  legacySeen(socket: Socket): Set<string> {
    const st = this.state.get(socket) ?? {};
    st.legacySeen ??= new Set();
    return st.legacySeen;
  }

  /** `auth:refresh`: a fresh token for the same user restarts the clock. */
  refreshEvent(verify: TokenVerifier): SocketEventDefinition {
    return {
      name: 'auth:refresh',
      schema: z.object({ token: z.string().min(1).max(4096) }),
      handle: async ({ socket, user }, { token }: { token: string }) => {
        const next = await verify(token);
        if (next.id !== user.id) throw forbidden('Token belongs to another user');
        (socket.data as SocketData).user = next;
        this.armExpiry(socket);
        return { expiresAt: new Date(next.tokenExpiresAt).toISOString() };
      },
    };
  }

  private evict(socket: Socket): void {
    notifySocket(socket, SOCKET_ERROR, { error: { code: ErrorCode.RATE_LIMITED, message: 'Too many connections for this user; the oldest is closed' } });
    this.release(socket);
    socket.disconnect(true);
  }

  /** One timer per socket: first the warning, then the disconnect at expiry. */
  private armExpiry(socket: Socket): void {
    const st = this.state.get(socket);
    if (!st) return;
    if (st.timer) clearTimeout(st.timer);
    const expiresAt = userOf(socket).tokenExpiresAt;
    const warnAt = expiresAt - this.settings.warningMs;
    const onWarn = () => {
      notifySocket(socket, TOKEN_EXPIRING, { expiresAt: new Date(expiresAt).toISOString() });
      st.timer = setTimeout(onExpire, Math.max(0, expiresAt - Date.now()));
    };
    const onExpire = () => {
      notifySocket(socket, TOKEN_EXPIRED, { expiredAt: new Date(expiresAt).toISOString() });
      this.settings.log.debug({ socketId: socket.id }, 'socket token expired: disconnecting');
      socket.disconnect(true);
    };
    st.timer = setTimeout(onWarn, Math.max(0, warnAt - Date.now()));
  }
}
