/**
 * Migrations lock per schema: nodes of one deployment (one schema) migrate one at a time, other schemas of the
 * same database (test suites, a staging copy) migrate side by side, and the database-wide extension is created
 * once even when several fresh schemas migrate at once in a fresh database.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { listMigrations, migrate } from '../../src/platform/db/migrate.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';

const url = process.env.DATABASE_URL!;
const suffix = () => randomBytes(3).toString('hex');
const pools: pg.Pool[] = [];
const poolFor = (connectionString: string) => {
  const pool = new pg.Pool({ connectionString, max: 2 });
  pools.push(pool);
  return pool;
};

async function migrationsRecorded(pool: pg.Pool, schema: string) {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".schema_migrations`);
  return rows[0]!.n;
}

/** The per-schema migration lock is the two-key advisory lock of class 0x5a17 (migrate.ts). */
const MIGRATION_LOCK_CLASS = 0x5a17;

/** Polls pg_locks until stopped: the most per-schema migration locks granted at one time in `database`. */
function mostSchemaLocksHeldAtOnce(admin: pg.Pool, database: string) {
  let most = 0;
  let running = true;
  const polling = (async () => {
    while (running) {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objsubid = 2 AND d.datname = $2`,
        [MIGRATION_LOCK_CLASS, database],
      );
      most = Math.max(most, rows[0]!.n);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await polling;
      return most;
    },
  };
}

describe('migration locks', () => {
  after(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });

  test('two nodes migrating one schema at once: one applies every migration, the other none', async () => {
    const schema = `t_migrate_one_${suffix()}`;
    const [a, b] = [poolFor(url), poolFor(url)];
    try {
      const [byA, byB] = await Promise.all([migrate(a, schema), migrate(b, schema)]);
      const all = listMigrations().length;
      assert.deepEqual([byA.length, byB.length].sort(), [0, all]);
      assert.equal(await migrationsRecorded(a, schema), all);
    } finally {
      await dropScratchSchema(a, schema);
    }
  });

  test('three fresh schemas of a fresh database migrate side by side; the shared extension is created once', async () => {
    const admin = poolFor(url);
    const database = `t_migrate_db_${suffix()}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    try {
      const fresh = new URL(url);
      fresh.pathname = `/${database}`;
      const pool = new pg.Pool({ connectionString: fresh.toString(), max: 4 });
      // A backend still closing after end() is terminated by the DROP … FORCE below: expected, not a failure.
      pool.on('error', () => {});
      try {
        const schemas = [1, 2, 3].map((n) => `s${n}`);
        const watching = mostSchemaLocksHeldAtOnce(admin, database);
        const applied = await Promise.all(schemas.map((s) => migrate(pool, s)));
        assert.ok((await watching.stop()) >= 2, 'two schemas held their migration locks at the same time');
        assert.deepEqual(
          applied.map((list) => list.length),
          schemas.map(() => listMigrations().length),
        );
        const { rows } = await pool.query(`SELECT extname FROM pg_extension WHERE extname = 'btree_gist'`);
        assert.equal(rows.length, 1);
      } finally {
        await pool.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  });
});
