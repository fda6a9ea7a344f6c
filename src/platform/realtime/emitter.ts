import type { RoomEventName } from './server-events.js';

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
  toUser(userId: string, event: RoomEventName, payload: Record<string, unknown>, opts?: EmitOptions): void;
  toRoom(room: string, event: RoomEventName, payload: Record<string, unknown>, opts?: EmitOptions): void;
  toAdmins(event: RoomEventName, payload: Record<string, unknown>, opts?: EmitOptions): void;
  /** Adds every socket of a user to a room (e.g. trip:{id} on accept), on every node. */
  joinUserToRoom(userId: string, room: string): void;
  /**
   * Takes every socket of a user out of a room (a driver who is no longer on the trip), on every node. Optional:
   * recorders in tests and benches have no rooms.
   */
  removeUserFromRoom?(userId: string, room: string): void;
  /**
   * Whether the user has a connected socket on any node. Optional: a process without the socket server (a pure
   * worker, a recorder) cannot tell, and callers then treat the user as away.
   */
  hasLiveSocket?(userId: string): Promise<boolean>;
}

export const userRoom = (userId: string) => `user:${userId}`;
export const tripRoom = (tripId: string) => `trip:${tripId}`;
export const ADMIN_ROOM = 'admin';
/** Consoles watching the live map (`fleet:watch`); each node feeds its own members (one timer per node). */
export const FLEET_ROOM = 'fleet';

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

  /** False when no gateway is attached to tell (see RealtimeEmitter.hasLiveSocket). */
  async hasLiveSocket(userId: string): Promise<boolean> {
    return (await this.target.hasLiveSocket?.(userId)) ?? false;
  }

  /** Back to the no-op emitter (the gateway closed). */
  detach(emitter: RealtimeEmitter) {
    if (this.target === emitter) this.target = nullEmitter;
  }

  toUser(userId: string, event: RoomEventName, payload: Record<string, unknown>, opts?: EmitOptions) {
    this.target.toUser(userId, event, payload, opts);
  }

  toRoom(room: string, event: RoomEventName, payload: Record<string, unknown>, opts?: EmitOptions) {
    this.target.toRoom(room, event, payload, opts);
  }

  toAdmins(event: RoomEventName, payload: Record<string, unknown>, opts?: EmitOptions) {
    this.target.toAdmins(event, payload, opts);
  }

  joinUserToRoom(userId: string, room: string) {
    this.target.joinUserToRoom(userId, room);
  }

  removeUserFromRoom(userId: string, room: string) {
    this.target.removeUserFromRoom?.(userId, room);
  }
}
