/**
 * How modules push to connected clients without knowing about Socket.IO.
 * The socket gateway installs the real emitter; until then (unit tests)
 * events go nowhere. Emit only after commit.
 */
export interface EmitOptions {
  /**
   * Live data that is stale a second later (positions, ETAs): dropped for a
   * socket whose send buffer is still full. Never set it for status, chat or SOS.
   */
  volatile?: boolean;
  /** More event names sent with the same payload and the same `seq` (API.md typed aliases). */
  aliases?: string[];
  /** Sockets also in one of these rooms are skipped (they receive the event through that room). */
  exceptRooms?: string[];
}

export interface RealtimeEmitter {
  toUser(userId: string, event: string, payload: Record<string, unknown>, opts?: EmitOptions): void;
  toRoom(room: string, event: string, payload: Record<string, unknown>, opts?: EmitOptions): void;
  toAdmins(event: string, payload: Record<string, unknown>, opts?: EmitOptions): void;
  /** Adds every socket of a user to a room (e.g. trip:{id} on accept), on every node. */
  joinUserToRoom(userId: string, room: string): void;
}

export const userRoom = (userId: string) => `user:${userId}`;
export const tripRoom = (tripId: string) => `trip:${tripId}`;
export const ADMIN_ROOM = 'admin';

export const nullEmitter: RealtimeEmitter = {
  toUser: () => {},
  toRoom: () => {},
  toAdmins: () => {},
  joinUserToRoom: () => {},
};

/** Late-bound holder: the platform is built before the gateway attaches. */
export class RealtimeHub implements RealtimeEmitter {
  private target: RealtimeEmitter = nullEmitter;

  attach(emitter: RealtimeEmitter) {
    this.target = emitter;
  }

  /** Back to the no-op emitter (the gateway closed). */
  detach(emitter: RealtimeEmitter) {
    if (this.target === emitter) this.target = nullEmitter;
  }

  toUser(userId: string, event: string, payload: Record<string, unknown>, opts?: EmitOptions) {
    this.target.toUser(userId, event, payload, opts);
  }

  toRoom(room: string, event: string, payload: Record<string, unknown>, opts?: EmitOptions) {
    this.target.toRoom(room, event, payload, opts);
  }

  toAdmins(event: string, payload: Record<string, unknown>, opts?: EmitOptions) {
    this.target.toAdmins(event, payload, opts);
  }

  joinUserToRoom(userId: string, room: string) {
    this.target.joinUserToRoom(userId, room);
  }
}
