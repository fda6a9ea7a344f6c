import { z } from 'zod';
import { forbidden } from '../errors.js';
import type { SocketEventDefinition, SocketUser } from './event-registry.js';
import type { RoomLog } from './room-log.js';
import { socketSyncs } from './socket-metrics.js';

/** Builds the current state of a room for a client whose gap the replay log cannot fill. */
export type SnapshotProvider = (user: SocketUser, roomId: string) => Promise<unknown>;

const RoomName = z
  .string()
  .regex(/^(user|trip|request):[0-9a-f-]{36}$|^admin$/, 'room must be user:{id}, trip:{id}, request:{id} or admin');

/** Snapshot builders by room kind (`trip`, `user`, `admin`); modules register theirs. */
export class SnapshotRegistry {
  private readonly providers = new Map<string, SnapshotProvider>();

  register(kind: string, provider: SnapshotProvider): void {
    this.providers.set(kind, provider);
  }

  async build(user: SocketUser, room: string): Promise<unknown> {
    const sep = room.indexOf(':');
    const kind = sep < 0 ? room : room.slice(0, sep);
    const provider = this.providers.get(kind);
    return provider ? provider(user, sep < 0 ? '' : room.slice(sep + 1)) : null;
  }
}

/**
 * `sync {room, lastSeq}` (API.md): the events the client missed since
 * `lastSeq`, or — when the replay log no longer reaches back that far — a
 * snapshot of the room's current state. Only rooms this socket is in.
 */
export function syncEvent(log: RoomLog, snapshots: SnapshotRegistry): SocketEventDefinition {
  const schema = z.object({ room: RoomName, lastSeq: z.number().int().min(0) });
  return {
    name: 'sync',
    summary: 'Catch up on a room after a reconnect',
    schema,
    handle: async ({ socket, user }, { room, lastSeq }: z.infer<typeof schema>) => {
      if (!socket.rooms.has(room)) throw forbidden(`Not in ${room}; subscribe first`);
      const replay = await log.since(room, lastSeq);
      if (replay.complete) {
        socketSyncs.inc({ answer: 'events' });
        return { room, seq: replay.seq, events: replay.events.map(({ event, payload }) => ({ event, payload })) };
      }
      socketSyncs.inc({ answer: 'snapshot' });
      return { room, seq: replay.seq, snapshot: await snapshots.build(user, room) };
    },
  };
}
