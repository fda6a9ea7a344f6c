import pg from 'pg';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type { Logger } from '../observability/logger.js';

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
  close(): Promise<void>;
}

export function createDatabase(opts: { url: string; schema: string; max: number; log?: Logger }): Database {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max,
    // Fail fast when the server is gone instead of queueing forever.
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    options: `-c search_path=${opts.schema},public`,
    application_name: 'smartline',
  });
  // A dropped connection must never crash the process: log it, the pool replaces it.
  pool.on('error', (err) => opts.log?.warn({ err: err.message }, 'idle postgres client error'));
  pool.on('connect', (client) =>
    client.on('error', (err) => opts.log?.warn({ err: err.message }, 'postgres client error')),
  );
  const db = new Kysely<AnyTables>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    pool,
    db,
    schema: opts.schema,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** Cheapest round trip to the server; used by readiness probes. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
