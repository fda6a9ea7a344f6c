import type { Config } from '../config.js';
import { createDatabase, criticalDatabase, warmPool, type Database } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { EventBus } from './events/bus.js';
import { JobQueue } from './jobs/queue.js';
import { jobsSchemaFor } from './jobs/runner-options.js';
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
  /**
   * DB_SAFETY_POOL_SIZE connections of their own for safety-critical writes
   * (an SOS and the session check in front of it): trip traffic that
   * saturates `database` never makes an SOS wait for a connection. Its `db`
   * overflows into a free main connection during a burst of alerts.
   */
  safetyDatabase: Database;
  jobs: JobQueue;
  bus: EventBus;
  /** Socket fan-out; a no-op until the gateway attaches. */
  realtime: RealtimeHub;
  flags: FeatureFlags;
  /** The node's one LISTEN connection (flags, session revocations). */
  listener: PgListener;
  /** Keeps `flags` equal to the cluster's overrides; `refresh()` re-reads them now. */
  flagSync: FlagSync;
  /** Live positions, presence, counters (memory, or Redis when REDIS_URL / REDIS_SENTINELS is set). */
  hotState: HotState;
  embedded?: EmbeddedHandle;
  close(): Promise<void>;
}

export interface PlatformOptions {
  log?: Logger;
  migrate?: boolean;
  /** The embedded Postgres died and could not be restarted (see startEmbeddedPostgres). */
  onEmbeddedGiveUp?: (err: Error) => void;
  /** What this process runs: decides its pools' statement_timeout (API short, jobs longer). Default `serve`. */
  role?: 'serve' | 'worker' | 'all' | 'migrate';
}

/**
 * An API node's statements are cut short (a request holding a connection for
 * minutes starves the others); a worker's reports and batches may run longer.
 * Role `all` shares one pool between both, so it takes the worker's limit.
 */
export function statementTimeoutFor(config: Config, role: PlatformOptions['role'] = 'serve'): number {
  if (role === 'migrate') return 0;
  return role === 'serve' ? config.DB_STATEMENT_TIMEOUT_API_MS : config.DB_STATEMENT_TIMEOUT_WORKER_MS;
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

/** Longer than the main pool's 3 s: an SOS timed out here would only be retried into the same queue. */
const SAFETY_CONNECT_TIMEOUT_MS = 15_000;

/** Connects to Postgres (starting the embedded one if no DATABASE_URL) and migrates. */
export async function createPlatform(config: Config, opts: PlatformOptions = {}): Promise<Platform> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const { url, embedded } = await resolveDatabaseUrl(config, log, opts.onEmbeddedGiveUp);
  const limits = { statementTimeoutMs: statementTimeoutFor(config, opts.role), slowQueryMs: config.DB_SLOW_QUERY_MS };
  const database = createDatabase({ url, schema: config.DB_SCHEMA, max: config.DB_POOL_MAX, log, ...limits });
  if (opts.migrate !== false) await migrate(database.pool, config.DB_SCHEMA, log);
  const reserved = createDatabase({
    url,
    schema: config.DB_SCHEMA,
    max: config.DB_SAFETY_POOL_SIZE,
    log,
    name: 'smartline-safety',
    keepIdle: true,
    ...limits,
    // An alert waits for a reserved connection (only other alerts hold them) rather than failing with 503.
    connectTimeoutMs: SAFETY_CONNECT_TIMEOUT_MS,
  });
  await warmPool(reserved.pool, config.DB_SAFETY_POOL_SIZE);
  const safetyDatabase = criticalDatabase(reserved, database);
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
    createHotState({ redis: config.redis, keyPrefix: redisNamespace(config.DB_SCHEMA), log }),
    log,
  );
  return {
    config,
    log,
    database,
    safetyDatabase,
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
      await safetyDatabase.close();
      await database.close();
      await embedded?.stop();
    },
  };
}
