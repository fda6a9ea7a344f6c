import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { retryWithBackoff } from '../providers/retry.js';

export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../../migrations');
/**
 * One lock for every schema in the database: extensions are database-wide, so
 * two nodes (or two test suites) must never run migrations at the same time.
 */
const MIGRATION_LOCK_KEY = 0x5a17_11e;

interface MigrationFile {
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(resolve(dir, name), 'utf8') }));
}

/**
 * SQLSTATE classes no wait can fix: 28 (bad credentials) and 3D (no such
 * database). Anything else on connect (refused, a connect timeout, 57P03
 * "the database system is starting up") may pass in a few seconds.
 */
const PERMANENT_CONNECT_ERROR = /^(28|3D)/;
const BOOT_CONNECT_TRIES = 6;

/**
 * The node's first connection, at boot: the pool's connect timeout (3 s) is
 * for requests, which should fail fast; a node starting beside a busy or
 * still-starting Postgres (a deploy, many suites of a test run) waits up to
 * ~30 s over 6 tries before it gives up and exits.
 */
export async function connectAtBoot(pool: pg.Pool, log?: Logger): Promise<pg.PoolClient> {
  return retryWithBackoff(
    async (attempt) => {
      try {
        return await pool.connect();
      } catch (err) {
        log?.warn(
          { err: (err as Error).message, attempt, of: BOOT_CONNECT_TRIES },
          'postgres not reachable yet at boot',
        );
        throw err;
      }
    },
    {
      attempts: BOOT_CONNECT_TRIES,
      baseMs: 500,
      maxMs: 4_000,
      shouldRetry: (err) => !PERMANENT_CONNECT_ERROR.test(String((err as { code?: unknown }).code ?? '')),
    },
  );
}

/** Applies pending migrations in order, each in its own transaction, recorded in schema_migrations. */
export async function migrate(pool: pg.Pool, schema: string, log?: Logger): Promise<string[]> {
  const client = await connectAtBoot(pool, log);
  const applied: string[] = [];
  try {
    // Waiting for another node's migrations and building indexes may take long: the pool's statement_timeout
    // is for requests, not for this session (RESET in finally returns the connection to the pool's value).
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET search_path TO "${schema}", public`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL ' +
        'DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    for (const m of listMigrations()) {
      if (done.has(m.name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(m.name);
      log?.info({ migration: m.name, schema }, 'migration applied');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.query('RESET statement_timeout').catch(() => {});
    client.release();
  }
  return applied;
}
