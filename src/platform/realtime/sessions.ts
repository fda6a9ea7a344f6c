import type { Socket } from 'socket.io';
import { z } from 'zod';
import { AppError, ErrorCode, forbidden } from '../errors.js';
import { holdsGrant, STAFF_ACCESS, type AuthUser, type TokenVerifier } from '../http/route-config.js';
import type { Logger } from '../observability/logger.js';
import type { SocketEventDefinition, SocketUser } from './event-registry.js';
import type { SocketData } from './handshake.js';
import { ADMIN_ROOM, FLEET_ROOM } from './emitter.js';

/** Server → client event names of the token lifecycle (API.md "Socket.IO"). */
export const TOKEN_EXPIRING = 'auth:token_expiring';
export const TOKEN_EXPIRED = 'auth:token_expired';
/** Sent (without ack) when the server refuses or ends something the client did not ask about. */
export const SOCKET_ERROR = 'socket:error';

/**
 * What the auth module tells the gateway about sessions (passed in by app.ts:
 * the platform never imports a module).
 */
export interface SessionGuard {
  /**
   * The same user with their current role; throws UNAUTHENTICATED once the session ended or the account was suspended.
   */
  revalidate(user: AuthUser, opts?: { critical?: boolean }): Promise<AuthUser>;
  /**
   * Calls back with the id of a session that ended or whose user's access changed (any node); returns the unsubscribe.
   */
  onChange(listener: (sessionId: string) => void): () => void;
}

interface ConnectionState {
  timer?: NodeJS.Timeout;
  /** Its session was found ended: refuse everything, disconnect once the refusal is acked. */
  ended?: boolean;
  /** Legacy event names this connection already used (logged once each). */
  legacySeen?: Set<string>;
}

export interface SessionSettings {
  maxPerUser: number;
  /** API.md: `auth:token_expiring` 60 s before expiry. */
  warningMs: number;
  guard: SessionGuard;
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
  /** Session id → this node's sockets opened with a token of that session. */
  private readonly bySession = new Map<string, Set<Socket>>();

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
    this.index(socket, user.sessionId);
    while (sockets.length > this.settings.maxPerUser) this.evict(sockets.shift()!);
    this.armExpiry(socket);
  }

  release(socket: Socket): void {
    const st = this.state.get(socket);
    if (st?.timer) clearTimeout(st.timer);
    this.state.delete(socket);
    const user = userOf(socket);
    this.unindex(socket, user.sessionId);
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
      summary: 'Present a fresh access token',
      schema: z.object({ token: z.string().min(1).max(4096) }),
      // A refresh dropped under load would end the session and bring the client back with a costlier login.
      shedding: 'never',
      handle: async ({ socket, user }, { token }: { token: string }) => {
        const next = await verify(token);
        if (next.id !== user.id) throw forbidden('Token belongs to another user');
        this.unindex(socket, user.sessionId);
        this.index(socket, next.sessionId);
        this.applyUser(socket, next);
        this.armExpiry(socket);
        return { expiresAt: new Date(next.tokenExpiresAt).toISOString() };
      },
    };
  }

  /**
   * The socket's user as of now: refused (UNAUTHENTICATED) once its session
   * ended — even before that session's disconnect lands — and with the
   * current role, not the one in the handshake token.
   */
  async current(socket: Socket, opts: { critical?: boolean } = {}): Promise<SocketUser> {
    const st = this.state.get(socket);
    if (st?.ended) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Session ended');
    const user = userOf(socket);
    try {
      const now = await this.settings.guard.revalidate(user, opts);
      if (now.role !== user.role) this.applyUser(socket, now);
      return now;
    } catch (err) {
      if (st && err instanceof AppError && err.code === ErrorCode.UNAUTHENTICATED) st.ended = true;
      throw err;
    }
  }

  /** After the refusal was acked: a socket whose session ended is closed. */
  dropIfEnded(socket: Socket): void {
    if (this.state.get(socket)?.ended) this.end(socket);
  }

  /** A session ended or its user's access changed (this node or another): check its sockets here again. */
  async recheck(sessionId: string): Promise<void> {
    const sockets = [...(this.bySession.get(sessionId) ?? [])];
    await Promise.all(
      sockets.map(async (socket) => {
        try {
          await this.current(socket);
        } catch (err) {
          if (this.state.get(socket)?.ended) return this.end(socket);
          // Postgres unreachable: the socket's next event checks again.
          this.settings.log.warn({ err, socketId: socket.id }, 'socket session re-check failed');
        }
      }),
    );
  }

  private end(socket: Socket): void {
    notifySocket(socket, SOCKET_ERROR, { error: { code: ErrorCode.UNAUTHENTICATED, message: 'Session ended' } });
    this.settings.log.debug({ socketId: socket.id }, 'socket session ended: disconnecting');
    this.release(socket);
    socket.disconnect(true);
  }

  /** A new view of the user (refresh, role change): the admin room (and the fleet feed) follow the roles. */
  private applyUser(socket: Socket, next: SocketUser): void {
    (socket.data as SocketData).user = next;
    if (holdsGrant(next, STAFF_ACCESS.fleet)) return void socket.join(ADMIN_ROOM);
    void socket.leave(ADMIN_ROOM);
    void socket.leave(FLEET_ROOM);
  }

  private index(socket: Socket, sessionId: string): void {
    const sockets = this.bySession.get(sessionId) ?? new Set<Socket>();
    sockets.add(socket);
    this.bySession.set(sessionId, sockets);
  }

  private unindex(socket: Socket, sessionId: string): void {
    const sockets = this.bySession.get(sessionId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.bySession.delete(sessionId);
  }

  private evict(socket: Socket): void {
    notifySocket(socket, SOCKET_ERROR, {
      error: { code: ErrorCode.RATE_LIMITED, message: 'Too many connections for this user; the oldest is closed' },
    });
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
