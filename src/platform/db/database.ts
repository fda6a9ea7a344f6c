import pg from 'pg';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type { Logger } from '../observability/logger.js';
import { PoolWaitTracker } from './pool-wait.js';
import { slowQueryLogger } from './slow-query.js';

/**
 * Kysely handles are untyped at the platform level; each module's repo narrows
 * them with `db.withTables<ModuleTables>()`, so a module only sees its tables.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type AnyTables = {};
export type Db = Kysely<AnyTables>;
export type Tx = Transaction<AnyTables>;
/** Either the pool or an open transaction: what services pass to repos. */
export type DbHandle = Kysely<AnyTables>;

// BIGINT (int8) arrives as a JS number: money is in piastres and stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// NUMERIC as number (ratings, multipliers); never used for money.
pg.types.setTypeParser(1700, (v) => Number(v));

export interface Database {
  pool: pg.Pool;
  db: Db;
  schema: string;
  /** The connection URL (the embedded server's when no DATABASE_URL): what pg_dump of a scheduled backup reads. */
  url: string;
  /** How long the oldest caller has been waiting for a connection (0 = none waits): the overload signal. */
  poolWaitMs(): number;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  schema: string;
  max: number;
  log?: Logger;
  /** `application_name` as Postgres shows it (pg_stat_activity). */
  name?: string;
  /** Idle connections stay open (a reserved pool must not pay a connect when it is needed). */
  keepIdle?: boolean;
  /** How long a caller waits for a connection before 503; default 3 s (fail fast). */
  connectTimeoutMs?: number;
  /** Postgres cancels a statement running longer than this (`statement_timeout`); 0 = never. */
  statementTimeoutMs?: number;
  /** Statements slower than this are logged by name (never with their parameters); 0 = off. */
  slowQueryMs?: number;
}

export function createDatabase(opts: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max,
    // Fail fast when the server is gone instead of queueing forever.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 3_000,
    idleTimeoutMillis: opts.keepIdle ? 0 : 30_000,
    options: `-c search_path=${opts.schema},public`,
    application_name: opts.name ?? 'smartline',
    // Sent in the startup packet: every connection of this pool carries it, nothing to SET per checkout.
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
  });
  // A dropped connection must never crash the process: log it, the pool replaces it.
  pool.on('error', (err) => opts.log?.warn({ err: err.message }, 'idle postgres client error'));
  pool.on('connect', (client) =>
    client.on('error', (err) => opts.log?.warn({ err: err.message }, 'postgres client error')),
  );
  const waits = new PoolWaitTracker(pool);
  const db = new Kysely<AnyTables>({
    dialect: new PostgresDialect({ pool: { connect: () => waits.connect(), end: () => pool.end() } }),
    ...(opts.slowQueryMs && opts.log
      ? { log: slowQueryLogger(opts.log, opts.slowQueryMs, opts.name ?? 'smartline') }
      : {}),
  });
  let closed = false;
  return {
    pool,
    db,
    schema: opts.schema,
    url: opts.url,
    poolWaitMs: () => waits.oldestWaitMs(),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      // Kysely ends the pool only if a query went through it; a pool used only directly (warmPool) is ended here.
      if (!pool.ended) await pool.end();
    },
  };
}

/** The main pool could hand out a connection right now, without queueing anyone. */
function hasRoom(pool: pg.Pool): boolean {
  return pool.waitingCount === 0 && (pool.idleCount > 0 || pool.totalCount < pool.options.max);
}

/**
 * Safety-critical work (SOS): the reserved pool first; when all its
 * connections are busy (a burst of alerts) and the main pool has one free
 * right now, that one, so alerts do not queue behind each other on a pool of
 * two either. It never waits in the main pool's queue: a saturated main pool
 * has no room, and the alert waits for a reserved connection, which only
 * other alerts hold.
 */
export function criticalDatabase(reserved: Database, main: Database): Database {
  const pool = {
    connect: () => (reserved.pool.idleCount === 0 && hasRoom(main.pool) ? main.pool : reserved.pool).connect(),
    end: async () => {}, // both pools are ended by their owners
  };
  const db = new Kysely<AnyTables>({ dialect: new PostgresDialect({ pool }) });
  return { ...reserved, db };
}

/** Opens `count` connections now and returns them to the pool, so the first real query finds one open. */
export async function warmPool(pool: pg.Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

/** Cheapest round trip to the server; used by readiness probes. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
