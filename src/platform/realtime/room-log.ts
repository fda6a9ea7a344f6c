import type { HotState } from '../hotstate/index.js';

/**
 * Per-room sequence numbers and a short replay log in hot state, shared by
 * every node (API.md: "every server event payload carries `seq` (per room,
 * monotonic)"; after a reconnect `sync {room, lastSeq}` gets missed events
 * or a snapshot).
 */
export const REPLAY_LOG_SIZE = 100; // ≈ 100 s of a live trip at ≤ 1 position/s, plus its status changes
/** A room silent this long forgets its log and counter; a later sync gets a snapshot. */
export const ROOM_STATE_TTL_MS = 24 * 3600_000;

export interface LoggedEvent {
  seq: number;
  event: string;
  payload: Record<string, unknown>;
  /** Live data (positions): on replay only the latest of each such event is sent. */
  volatile?: boolean;
}

export type Replay = { complete: true; seq: number; events: LoggedEvent[] } | { complete: false; seq: number };

const seqKey = (room: string) => `rt:seq:${room}`;
const logKey = (room: string) => `rt:log:${room}`;

function parseEntries(raw: string[]): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  for (const line of raw) {
    try {
      out.push(JSON.parse(line) as LoggedEvent);
    } catch {
      /* a torn entry is skipped; the client can still ask for a snapshot */
    }
  }
  // Two nodes may append concurrently; seq, not arrival, is the order.
  return out.sort((a, b) => a.seq - b.seq);
}

/** Keeps the last volatile event of each name, in seq order with the rest. */
function collapseVolatile(events: LoggedEvent[]): LoggedEvent[] {
  const lastVolatile = new Map<string, number>();
  for (const e of events) if (e.volatile) lastVolatile.set(e.event, e.seq);
  return events.filter((e) => !e.volatile || lastVolatile.get(e.event) === e.seq);
}

export class RoomLog {
  constructor(private readonly hotState: HotState) {}

  nextSeq(room: string): Promise<number> {
    return this.hotState.increment(seqKey(room), ROOM_STATE_TTL_MS);
  }

  async record(room: string, entry: LoggedEvent): Promise<void> {
    await this.hotState.appendToList(logKey(room), JSON.stringify(entry), {
      maxLength: REPLAY_LOG_SIZE,
      ttlMs: ROOM_STATE_TTL_MS,
    });
  }

  async currentSeq(room: string): Promise<number> {
    return Number((await this.hotState.getValue(seqKey(room))) ?? 0);
  }

  /**
   * Events after `lastSeq`, or `complete: false` when the log no longer
   * reaches back that far (trimmed, expired, or hot state was reset).
   */
  async since(room: string, lastSeq: number): Promise<Replay> {
    const [seq, raw] = await Promise.all([this.currentSeq(room), this.hotState.readList(logKey(room))]);
    if (lastSeq === seq) return { complete: true, seq, events: [] };
    if (lastSeq > seq) return { complete: false, seq };
    const entries = parseEntries(raw);
    const oldest = entries[0]?.seq;
    if (oldest === undefined || oldest > lastSeq + 1) return { complete: false, seq };
    return { complete: true, seq, events: collapseVolatile(entries.filter((e) => e.seq > lastSeq)) };
  }
}
