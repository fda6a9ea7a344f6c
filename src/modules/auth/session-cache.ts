import { LRUCache } from 'lru-cache';
import type { PgListener } from '../../platform/db/listener.js';
import type { Role, StaffRole } from '../../platform/http/route-config.js';

export const sessionsChannel = (schema: string) => `smartline_sessions_${schema}`;

/**
 * 100k live sessions is ~10 MB per node. The TTL is only a backstop (ended
 * sessions are forgotten on their notification); it bounds how long an entry
 * could outlive an ended session if Postgres itself lost a notification.
 */
export const SESSION_CACHE_LIMITS = { maxEntries: 100_000, ttlMs: 60_000 };

export interface SessionOwner {
  userId: string;
  role: Role;
  staffRoles: readonly StaffRole[];
}

/** What authorization trusts about a live session's user. */
export type SessionAccess = Omit<SessionOwner, 'userId'>;

/** Told the id of a session that ended or whose user's access changed, on this node or (via Postgres) another. */
export type SessionChangeListener = (sessionId: string) => void;

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
 * The user's role and suspension are cached with the session: migration 0014
 * announces every live session of a user whose role or suspension changed.
 *
 * A read that started before a notification must not re-insert the ended
 * session: `generation` moves on every forget, and `remember` only keeps
 * a result read within one generation.
 */
export class SessionCache {
  /** session id → its user and that user's current role, for sessions read alive from Postgres. */
  private readonly alive: LRUCache<string, SessionOwner>;
  private generationValue = 0;
  private readonly listeners = new Set<SessionChangeListener>();

  constructor(private readonly opts: SessionCacheOptions) {
    this.alive = new LRUCache({ max: opts.maxEntries, ttl: opts.ttlMs });
  }

  async start(): Promise<void> {
    await this.opts.listener.subscribe(sessionsChannel(this.opts.schema), {
      onNotify: (sessionId) => this.forget(sessionId),
      // Nothing is cached across a gap; live sockets are still re-checked on their next event.
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

  /** The user's current role and staff roles, when the session is known alive and notifications are flowing. */
  accessOf(sessionId: string, userId: string): SessionAccess | undefined {
    if (!this.opts.listener.listening) return undefined;
    const owner = this.alive.get(sessionId);
    return owner?.userId === userId ? owner : undefined;
  }

  /** Keeps a session read alive from Postgres, unless anything ended since `readGeneration`. */
  remember(sessionId: string, owner: SessionOwner, readGeneration: number): void {
    if (readGeneration !== this.generationValue || !this.opts.listener.listening) return;
    this.alive.set(sessionId, owner);
  }

  /**
   * Subscribes to ended/changed sessions (the socket gateway drops or updates their sockets); returns the unsubscribe.
   */
  onChange(listener: SessionChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** This node ended the session itself: forget it now, before the notification comes back. */
  forget(sessionId: string): void {
    this.generationValue++;
    this.alive.delete(sessionId);
    for (const listener of this.listeners) listener(sessionId);
  }

  /** Every session of a user ended on this node (erasure); the others are announced by Postgres. */
  forgetUser(userId: string): void {
    for (const [sessionId, owner] of this.alive.entries()) if (owner.userId === userId) this.forget(sessionId);
    this.generationValue++;
  }

  private clear(): void {
    this.generationValue++;
    this.alive.clear();
  }
}
