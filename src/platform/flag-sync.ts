import pg from 'pg';
import { Gauge } from 'prom-client';
import type { Db } from './db/database.js';
import { FLAG_NAMES, isFlagName, type FeatureFlags, type FlagName } from './flags.js';
import { flagsChannel, readOverrides } from './flags.repo.js';
import type { Logger } from './observability/logger.js';
import { metricsRegistry } from './observability/metrics.js';

/** A lost LISTEN connection is retried at this pace; the poll keeps flags fresh meanwhile. */
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

const flagGauge = new Gauge({
  name: 'smartline_feature_flag_enabled',
  help: 'Effective value of each feature flag on this node (1 = on)',
  labelNames: ['flag'] as const,
  registers: [metricsRegistry],
});

export interface FlagSyncOptions {
  url: string;
  schema: string;
  db: Db;
  flags: FeatureFlags;
  /** Safety-net poll period (FLAGS_REFRESH_MS); a change reaches every node within it even if NOTIFY is lost. */
  refreshMs: number;
  log: Logger;
}

/**
 * Keeps this node's FeatureFlags equal to the overrides in Postgres: LISTEN on
 * a dedicated connection for immediate propagation, plus a periodic re-read
 * for notifications lost while that connection was down. Reloads run one at a
 * time, so an older snapshot can never overwrite a newer one.
 */
export class FlagSync {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = RECONNECT_MIN_MS;
  private stopped = false;
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  constructor(private readonly opts: FlagSyncOptions) {}

  /** Loads the overrides once (a failure is logged: env defaults stay), then listens and polls. */
  async start(): Promise<void> {
    await this.refresh();
    await this.listen();
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs);
    this.timer.unref();
  }

  /** Re-reads the overrides. Calls made while a reload is waiting share it. */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.tail.then(() => {
      this.queued = null;
      return this.load();
    });
    this.queued = next;
    this.tail = next;
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
    await this.tail;
  }

  private async load(): Promise<void> {
    if (this.stopped) return;
    try {
      const rows = await readOverrides(this.opts.db);
      const overrides = new Map<FlagName, boolean>();
      for (const row of rows) if (isFlagName(row.name)) overrides.set(row.name, row.enabled);
      const changed = this.opts.flags.applyOverrides(overrides);
      for (const name of FLAG_NAMES) flagGauge.set({ flag: name }, this.opts.flags.isOn(name) ? 1 : 0);
      if (changed.length > 0) this.opts.log.info({ changed, flags: this.opts.flags.all() }, 'feature flags changed');
    } catch (err) {
      this.opts.log.warn({ err }, 'feature flags: could not read overrides, keeping current values');
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.opts.url, application_name: 'smartline-flags', connectionTimeoutMillis: 3_000 });
    client.on('notification', () => void this.refresh());
    // A dropped connection must not crash the node: reconnect with backoff, the poll covers the gap.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${flagsChannel(this.opts.schema)}"`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.reconnectDelay = RECONNECT_MIN_MS;
    } catch (err) {
      await client.end().catch(() => {});
      this.lost(client, err);
    }
  }

  private lost(client: pg.Client, err?: unknown) {
    if (this.stopped || (this.client !== null && this.client !== client)) return;
    if (this.reconnectTimer) return;
    this.client = null;
    this.opts.log.warn({ err, retryInMs: this.reconnectDelay }, 'feature flags: LISTEN connection lost; polling until it is back');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      // Changes made while disconnected were not notified: re-read once connected again.
      void this.listen().then(() => this.refresh());
    }, this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }
}
