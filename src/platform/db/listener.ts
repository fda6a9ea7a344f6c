import pg from 'pg';
import type { Logger } from '../observability/logger.js';

/** A lost LISTEN connection is retried at this pace, doubling up to the max. */
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

export interface ChannelHandlers {
  /** A NOTIFY on the channel (delivered after the sender's commit). */
  onNotify(payload: string): void;
  /**
   * LISTEN is (again) in place after a gap: whatever was notified while it was
   * not may have been missed, so the subscriber re-reads what it keeps.
   */
  onResync(): void;
  /** The connection is gone: until onResync, no notification will arrive. */
  onLost(): void;
}

/**
 * One dedicated Postgres connection per node for LISTEN (a pooled connection
 * cannot hold one), shared by every subscriber: feature flags, session
 * revocations. A dropped connection never crashes the node: subscribers are
 * told, and it reconnects with backoff.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private readonly channels = new Map<string, ChannelHandlers>();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = RECONNECT_MIN_MS;
  private started = false;
  private stopped = false;

  constructor(private readonly opts: { url: string; log: Logger }) {}

  /** Whether notifications are flowing right now (a subscriber may trust what it cached). */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Subscribes a channel; on a live connection it is LISTENed at once (a resync follows). */
  async subscribe(channel: string, handlers: ChannelHandlers): Promise<void> {
    this.channels.set(channel, handlers);
    const client = this.client;
    if (!client) return;
    await client.query(`LISTEN "${channel}"`).then(
      () => handlers.onResync(),
      (err: unknown) => this.lost(client, err),
    );
  }

  /** Connects; a failure is logged and retried in the background, never thrown. */
  async start(): Promise<void> {
    this.started = true;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped || !this.started) return;
    const client = new pg.Client({
      connectionString: this.opts.url,
      application_name: 'smartline-listen',
      connectionTimeoutMillis: 3_000,
    });
    client.on('notification', (msg) => this.channels.get(msg.channel)?.onNotify(msg.payload ?? ''));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN "${channel}"`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.reconnectDelay = RECONNECT_MIN_MS;
      for (const handlers of this.channels.values()) handlers.onResync();
    } catch (err) {
      await client.end().catch(() => {});
      this.lost(client, err);
    }
  }

  private lost(client: pg.Client, err?: unknown) {
    if (this.stopped || (this.client !== null && this.client !== client) || this.reconnectTimer) return;
    this.client = null;
    for (const handlers of this.channels.values()) handlers.onLost();
    this.opts.log.warn({ err, retryInMs: this.reconnectDelay }, 'LISTEN connection lost; reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }
}
