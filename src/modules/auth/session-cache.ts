import { LRUCache } from 'lru-cache';
import type { PgListener } from '../../platform/db/listener.js';

export const sessionsChannel = (schema: string) => `smartline_sessions_${schema}`;

/**
 * 100k live sessions is ~10 MB per node. The TTL is only a backstop (ended
 * sessions are forgotten on their notification); it bounds how long an entry
 * could outlive an ended session if Postgres itself lost a notification.
 */
export const SESSION_CACHE_LIMITS = { maxEntries: 100_000, ttlMs: 60_000 };

export interface SessionCacheOptions {
  listener: PgListener;
  schema: string;
  /** Most sessions remembered; the oldest entry goes first. */
  maxEntries: number;
  /** An entry is re-read from Postgres after this long, whatever the notifications said. */
  ttlMs: number;
}

/**
 * The sessions this node has recently seen alive, so an authenticated request
 * does not read `sessions` every time. Safe because Postgres announces every
 * session that ends (migration 0013's trigger, on commit) and this node
 * forgets it on the notification. While that LISTEN is down nothing is
 * remembered or trusted (every request reads Postgres), and whatever was
 * remembered before the gap is dropped.
 *
 * A read that started before a notification must not re-insert the ended
 * session: `generation` moves on every forget, and `remember` only keeps
 * a result read within one generation.
 */
export class SessionCache {
  /** session id → user id, for sessions read alive from Postgres. */
  private readonly alive: LRUCache<string, string>;
  private generationValue = 0;

  constructor(private readonly opts: SessionCacheOptions) {
    this.alive = new LRUCache({ max: opts.maxEntries, ttl: opts.ttlMs });
  }

  async start(): Promise<void> {
    await this.opts.listener.subscribe(sessionsChannel(this.opts.schema), {
      onNotify: (sessionId) => this.forget(sessionId),
      onResync: () => this.clear(),
      onLost: () => this.clear(),
    });
  }

  get generation(): number {
    return this.generationValue;
  }

  get size(): number {
    return this.alive.size;
  }

  /** True only when the session is known alive for this user and notifications are flowing. */
  isAlive(sessionId: string, userId: string): boolean {
    if (!this.opts.listener.listening) return false;
    return this.alive.get(sessionId) === userId;
  }

  /** Keeps a session read alive from Postgres, unless anything ended since `readGeneration`. */
  remember(sessionId: string, userId: string, readGeneration: number): void {
    if (readGeneration !== this.generationValue || !this.opts.listener.listening) return;
    this.alive.set(sessionId, userId);
  }

  /** This node ended the session itself: forget it now, before the notification comes back. */
  forget(sessionId: string): void {
    this.generationValue++;
    this.alive.delete(sessionId);
  }

  /** Every session of a user ended on this node (erasure). */
  forgetUser(userId: string): void {
    this.generationValue++;
    for (const [sessionId, owner] of this.alive.entries()) if (owner === userId) this.alive.delete(sessionId);
  }

  private clear(): void {
    this.generationValue++;
    this.alive.clear();
  }
}
