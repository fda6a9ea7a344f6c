/**
 * Issue 21.4: Postgres statement_timeout per role (API short, worker longer),
 * a cut statement mapped to an enveloped 503 (never a 500 with a stack), and
 * the slow-query log: a name and a duration, never the parameters.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LogCapture } from '../../support/log-capture.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { createDatabase } from '../../src/platform/db/database.js';
import { statementTimeoutFor } from '../../src/platform/runtime.js';
import { toAppError } from '../../src/platform/http/error-handler.js';

const API_TIMEOUT_MS = 400;
const WORKER_TIMEOUT_MS = 7_000;
const SLOW_MS = 150;

describe('database limits: statement_timeout per role, slow-query log', () => {
  const logs = new LogCapture();
  let t: TestApp;
  before(async () => {
    t = await startTestApp(
      'db_limits',
      {
        DB_POOL_MAX: '4',
        DB_STATEMENT_TIMEOUT_API_MS: String(API_TIMEOUT_MS),
        DB_STATEMENT_TIMEOUT_WORKER_MS: String(WORKER_TIMEOUT_MS),
        DB_SLOW_QUERY_MS: String(SLOW_MS),
      },
      { log: createLogger('info', {}, logs) },
    );
  });
  after(async () => t.close());

  test('each role gets its own limit on every connection: API short, worker (and `all`) longer, migrate none', async () => {
    const show = async (db: { pool: pg.Pool }) =>
      (await db.pool.query('SHOW statement_timeout')).rows[0].statement_timeout;
    assert.equal(await show(t.platform.database), `${API_TIMEOUT_MS}ms`);
    assert.equal(await show(t.platform.safetyDatabase), `${API_TIMEOUT_MS}ms`);
    assert.equal(statementTimeoutFor(t.config, 'all'), WORKER_TIMEOUT_MS);
    assert.equal(statementTimeoutFor(t.config, 'migrate'), 0);
    const worker = createDatabase({
      url: process.env.DATABASE_URL!,
      schema: t.schema,
      max: 1,
      statementTimeoutMs: statementTimeoutFor(t.config, 'worker'),
    });
    try {
      assert.equal(await show(worker), '7s');
    } finally {
      await worker.close();
    }
  });

  test('a statement past the API limit is cancelled by Postgres and maps to 503 + Retry-After', async () => {
    const started = performance.now();
    const err = await sql`SELECT pg_sleep(5)`.execute(t.platform.database.db).then(
      () => assert.fail('pg_sleep(5) should have been cancelled'),
      (e: unknown) => e,
    );
    assert.ok(performance.now() - started < 3_000, 'cancelled near the limit, not after the full sleep');
    assert.equal((err as { code?: string }).code, '57014');
    const mapped = toAppError(err);
    assert.equal(mapped.status, 503);
    assert.equal(mapped.code, 'SERVICE_UNAVAILABLE');
    assert.equal(mapped.headers?.['retry-after'], '5');
    assert.match(mapped.message, /took too long/);
  });

  test('a request stuck behind a lock gets the enveloped 503, nothing written', async () => {
    const rider = await t.signup('rider');
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM "${t.schema}".users WHERE id = $1 FOR UPDATE`, [rider.id]);
      const res = await t.api('PATCH', '/api/v1/me', { token: rider.accessToken, body: { name: 'Renamed Rider' } });
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'SERVICE_UNAVAILABLE');
      assert.equal(res.headers['retry-after'], '5');
      assert.doesNotMatch(JSON.stringify(res.body), /pg_|statement|SELECT|UPDATE/i);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const me = await t.api('GET', '/api/v1/me', { token: rider.accessToken });
    assert.equal(me.body.data.name, 'Test rider', 'the timed-out update left nothing behind');
  });

  test('slow queries are logged with a name and duration, never their parameters or text', async () => {
    const secret = '+201099988877';
    await sql`SELECT pg_sleep(0.25), ${secret}::text AS phone FROM users LIMIT 1`.execute(t.platform.database.db);
    const line = logs.lines.find((l) => l.msg === 'slow query' && l.query === 'select users');
    assert.ok(
      line,
      `a slow-query line named "select users": ${JSON.stringify(logs.lines.filter((l) => l.msg === 'slow query'))}`,
    );
    assert.ok(line.durationMs >= SLOW_MS);
    assert.match(line.fingerprint, /^[0-9a-f]{12}$/);
    const all = JSON.stringify(logs.lines.filter((l) => l.msg === 'slow query'));
    assert.ok(!all.includes(secret) && !all.includes('2010999'), 'no parameter in any slow-query line');
    assert.ok(!all.includes('pg_sleep'), 'no SQL text either');
  });
});
