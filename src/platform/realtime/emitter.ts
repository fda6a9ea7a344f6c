/**
 * How modules push to connected clients without knowing about Socket.IO.
 * The socket gateway installs the real emitter; until then (worker-only
 * role, unit tests) events go nowhere. Emit only after commit.
 */
export interface RealtimeEmitter {
  toUser(userId: string, event: string, payload: Record<string, unknown>): void;
  toRoom(room: string, event: string, payload: Record<string, unknown>): void;
  toAdmins(event: string, payload: Record<string, unknown>): void;
  /** Adds every socket of a user to a room (e.g. trip:{id} on accept). */
  joinUserToRoom(userId: string, room: string): void;
}

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

  toUser(userId: string, event: string, payload: Record<string, unknown>) {
    this.target.toUser(userId, event, payload);
  }

  toRoom(room: string, event: string, payload: Record<string, unknown>) {
    this.target.toRoom(room, event, payload);
  }

  toAdmins(event: string, payload: Record<string, unknown>) {
    this.target.toAdmins(event, payload);
  }

  joinUserToRoom(userId: string, room: string) {
    this.target.joinUserToRoom(userId, room);
  }
}
