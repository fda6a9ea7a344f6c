/**
 * A node booting beside a Postgres that does not accept connections yet (a
 * deploy, a busy server) waits for it instead of exiting at the request
 * path's 3 s connect timeout; a database that does not exist fails at once.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { listMigrations, migrate } from '../../src/platform/db/migrate.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';

const DATABASE_URL = process.env.DATABASE_URL!;

/** A port that refuses connections until `open()` starts forwarding it to the run's Postgres. */
async function latePostgres() {
  const target = new URL(DATABASE_URL);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  let server: Server | undefined;
  return {
    url: Object.assign(new URL(DATABASE_URL), { hostname: '127.0.0.1', port: String(port) }).toString(),
    open: () =>
      new Promise<void>((resolve) => {
        server = createServer((inbound) => {
          const outbound = connect(Number(target.port || 5432), target.hostname);
          inbound.pipe(outbound).pipe(inbound);
          inbound.on('error', () => outbound.destroy());
          outbound.on('error', () => inbound.destroy());
        });
        server.listen(port, '127.0.0.1', resolve);
      }),
    close: () => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))),
  };
}

describe('boot: the first connection waits for Postgres', () => {
  const schema = `t_boot_connect_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  after(async () => {
    await dropScratchSchema(admin, schema);
    await admin.end();
  });

  test('migrations run once Postgres starts accepting, 2 s after the node started', async () => {
    const late = await latePostgres();
    const pool = new pg.Pool({ connectionString: late.url, max: 2, connectionTimeoutMillis: 3_000 });
    const opening = setTimeout(() => void late.open(), 2_000);
    try {
      const started = performance.now();
      const applied = await migrate(pool, schema);
      assert.ok(performance.now() - started >= 2_000, 'it connected only once the port opened');
      assert.equal(applied.length, listMigrations().length, 'every migration applied');
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".schema_migrations`);
      assert.equal(rows[0].n, applied.length);
    } finally {
      clearTimeout(opening);
      await pool.end();
      await late.close();
    }
  });

  test('a database that does not exist fails at once, with Postgres saying so', async () => {
    const missing = Object.assign(new URL(DATABASE_URL), { pathname: '/no_such_db_smartline' }).toString();
    const pool = new pg.Pool({ connectionString: missing, max: 1 });
    try {
      const started = performance.now();
      await assert.rejects(migrate(pool, schema), /does not exist/);
      assert.ok(performance.now() - started < 1_500, 'no retries for a permanent error');
    } finally {
      await pool.end();
    }
  });
});
