import { Gauge } from 'prom-client';
import type { Db } from './db/database.js';
import type { PgListener } from './db/listener.js';
import { FLAG_NAMES, isFlagName, type FeatureFlags, type FlagName } from './flags.js';
import { flagsChannel, readOverrides } from './flags.repo.js';
import type { Logger } from './observability/logger.js';
import { metricsRegistry } from './observability/metrics.js';

const flagGauge = new Gauge({
  name: 'smartline_feature_flag_enabled',
  help: 'Effective value of each feature flag on this node (1 = on)',
  labelNames: ['flag'] as const,
  registers: [metricsRegistry],
});

export interface FlagSyncOptions {
  listener: PgListener;
  schema: string;
  db: Db;
  flags: FeatureFlags;
  /** Safety-net poll period (FLAGS_REFRESH_MS); a change reaches every node within it even if NOTIFY is lost. */
  refreshMs: number;
  log: Logger;
}

/**
 * Keeps this node's FeatureFlags equal to the overrides in Postgres: LISTEN
 * (the node's shared listener) for immediate propagation, plus a periodic
 * re-read for notifications lost while that connection was down. Reloads run one at a
 * time, so an older snapshot can never overwrite a newer one.
 */
export class FlagSync {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  constructor(private readonly opts: FlagSyncOptions) {}

  /** Loads the overrides once (a failure is logged: env defaults stay), then listens and polls. */
  async start(): Promise<void> {
    await this.refresh();
    await this.opts.listener.subscribe(flagsChannel(this.opts.schema), {
      onNotify: () => void this.refresh(),
      // Changes made while disconnected were not notified: re-read once connected again.
      onResync: () => void this.refresh(),
      onLost: () => this.opts.log.warn('feature flags: polling until LISTEN is back'),
    });
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
}
