/** Captures what the app emits to sockets (installed in place of the gateway; not a test file itself). */
import type { RealtimeEmitter } from '../../src/platform/realtime/emitter.js';

export interface Emitted {
  target: string;
  event: string;
  payload: Record<string, unknown>;
  at: number;
}

export class RecordingEmitter implements RealtimeEmitter {
  readonly emitted: Emitted[] = [];

  toUser(userId: string, event: string, payload: Record<string, unknown>) {
    this.emitted.push({ target: `user:${userId}`, event, payload, at: performance.now() });
  }

  toRoom(room: string, event: string, payload: Record<string, unknown>) {
    this.emitted.push({ target: room, event, payload, at: performance.now() });
  }

  toAdmins(event: string, payload: Record<string, unknown>) {
    this.emitted.push({ target: 'admin', event, payload, at: performance.now() });
  }

  joinUserToRoom() {}

  find(event: string, match: (p: Record<string, unknown>) => boolean = () => true) {
    return this.emitted.filter((e) => e.event === event && match(e.payload));
  }
}
