import type { Config } from '../config.js';
import { createDatabase, type Database } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { EventBus } from './events/bus.js';
import { JobQueue, jobsSchemaFor } from './jobs/queue.js';
import { createLogger, type Logger } from './observability/logger.js';
import { RealtimeHub } from './realtime/emitter.js';
import { FeatureFlags } from './flags.js';
import { FlagSync } from './flag-sync.js';
import { PgListener } from './db/listener.js';
import { createHotState, withMemoryFallback, type HotState } from './hotstate/index.js';
import { redisNamespace } from './realtime/redis-namespace.js';

/** Everything a module needs from the platform, created once per process. */
export interface Platform {
  config: Config;
  log: Logger;
  database: Database;
  jobs: JobQueue;
  bus: EventBus;
  /** Socket fan-out; a no-op until the gateway attaches. */
  realtime: RealtimeHub;
  flags: FeatureFlags;
  /** The node's one LISTEN connection (flags, session revocations). */
  listener: PgListener;
  /** Keeps `flags` equal to the cluster's overrides; `refresh()` re-reads them now. */
  flagSync: FlagSync;
  /** Live positions, presence, counters (memory, or Redis when REDIS_URL is set). */
  hotState: HotState;
  embedded?: EmbeddedHandle;
  close(): Promise<void>;
}

export interface PlatformOptions {
  log?: Logger;
  migrate?: boolean;
  /** The embedded Postgres died and could not be restarted (see startEmbeddedPostgres). */
  onEmbeddedGiveUp?: (err: Error) => void;
}

async function resolveDatabaseUrl(config: Config, log: Logger, onGiveUp: PlatformOptions['onEmbeddedGiveUp']) {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: undefined };
  const embedded = await startEmbeddedPostgres({
    dir: config.EMBEDDED_PG_DIR,
    port: config.EMBEDDED_PG_PORT,
    log,
    onGiveUp,
  });
  return { url: embedded.url, embedded };
}

/** Connects to Postgres (starting the embedded one if no DATABASE_URL) and migrates. */
export async function createPlatform(config: Config, opts: PlatformOptions = {}): Promise<Platform> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const { url, embedded } = await resolveDatabaseUrl(config, log, opts.onEmbeddedGiveUp);
  const database = createDatabase({ url, schema: config.DB_SCHEMA, max: config.DB_POOL_MAX, log });
  if (opts.migrate !== false) await migrate(database.pool, config.DB_SCHEMA, log);
  const jobs = new JobQueue({
    pool: database.pool,
    db: database.db,
    workerSchema: jobsSchemaFor(config.DB_SCHEMA),
    log,
    concurrency: config.JOBS_CONCURRENCY,
  });
  await jobs.prepare();
  // Cluster-wide overrides are applied before anything reads a flag.
  const flags = new FeatureFlags(config);
  const listener = new PgListener({ url, log });
  await listener.start();
  const flagSync = new FlagSync({
    listener,
    schema: config.DB_SCHEMA,
    db: database.db,
    flags,
    refreshMs: config.FLAGS_REFRESH_MS,
    log,
  });
  await flagSync.start();
  // Keys under a per-schema namespace (test suites, staging and prod can share one Redis); memory fallback while Redis
  // is away.
  const hotState = withMemoryFallback(
    createHotState({ redisUrl: config.REDIS_URL, keyPrefix: redisNamespace(config.DB_SCHEMA), log }),
    log,
  );
  return {
    config,
    log,
    database,
    jobs,
    bus: new EventBus(log),
    realtime: new RealtimeHub(),
    flags,
    listener,
    flagSync,
    hotState,
    embedded,
    async close() {
      await flagSync.stop();
      await listener.stop();
      await jobs.stop();
      await hotState.close();
      await database.close();
      await embedded?.stop();
    },
  };
}
