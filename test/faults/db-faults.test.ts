/**
 * The database goes away under a running app: requests fail fast with 503
 * and Retry-After (never hang), readiness says `down`, and the app recovers
 * by itself when the database is back. Uses its own embedded Postgres so
 * stopping it hurts nobody else.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../../src/platform/db/embedded.js';
import { TRIP_BODY, eventually } from '../support/fixtures.js';

/** Well under the pool's 3 s connect timeout plus slack: "fast" means no waiting on a dead server. */
const FAST_MS = 4_000;

async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('database faults', () => {
  const dir = `.data/fault-pg-${randomBytes(4).toString('hex')}`;
  let port: number;
  let pg: EmbeddedHandle | undefined;
  let t: TestApp;
  let rider: TestUser;

  before(async () => {
    port = await sparePort();
    pg = await startEmbeddedPostgres({ dir, port });
    t = await startTestApp('db_faults', { DATABASE_URL: pg.url });
    rider = await t.signup('rider');
  });
  after(async () => {
    if (!pg) pg = await startEmbeddedPostgres({ dir, port }).catch(() => undefined);
    await t?.close().catch(() => {});
    await pg?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  test(
    'DB down ⇒ 503 SERVICE_UNAVAILABLE with Retry-After, fast; readiness down; recovers when the DB is ' + 'back',
    async () => {
      assert.equal((await t.api('GET', '/api/v1/me', { token: rider.accessToken })).status, 200);
      assert.equal((await t.api('GET', '/health/ready')).status, 200);

      await pg!.stop();
      pg = undefined;

      const calls: Array<[string, string, object]> = [
        ['GET', '/api/v1/me', { token: rider.accessToken }],
        ['POST', '/api/v1/trips', { token: rider.accessToken, body: TRIP_BODY }],
        ['POST', '/api/v1/auth/login', { body: { phone: rider.phone, password: 'password-123' } }],
        [
          'POST',
          '/api/v1/auth/signup',
          { body: { phone: '+201001239999', password: 'password-123', name: 'N', role: 'rider' } },
        ],
      ];
      for (const [method, path, opts] of calls) {
        const { result: res, ms } = await timed(() => t.api(method, path, opts));
        assert.equal(res.status, 503, `${method} ${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'SERVICE_UNAVAILABLE');
        assert.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After set');
        assert.ok(ms < FAST_MS, `${method} ${path} answered in ${Math.round(ms)} ms`);
        assert.doesNotMatch(JSON.stringify(res.body), /ECONNREFUSED|127\.0\.0\.1|stack/);
      }
      // Many at once still fail fast (no pile-up behind a dead pool).
      const { result: burst, ms: burstMs } = await timed(() =>
        Promise.all(Array.from({ length: 40 }, () => t.api('GET', '/api/v1/me', { token: rider.accessToken }))),
      );
      assert.ok(burst.every((r) => r.status === 503));
      assert.ok(burstMs < FAST_MS, `40 concurrent requests answered in ${Math.round(burstMs)} ms`);

      const ready = await timed(() => t.api('GET', '/health/ready'));
      assert.equal(ready.result.status, 503);
      assert.equal(ready.result.body.status, 'down');
      assert.equal(ready.result.body.checks.database.ok, false);
      assert.ok(ready.ms < FAST_MS);
      assert.equal((await t.api('GET', '/health/live')).status, 200, 'the process itself is alive');
      assert.equal((await t.api('GET', '/api/version')).status, 200, 'routes that need no DB keep working');

      pg = await startEmbeddedPostgres({ dir, port });
      const back = await eventually(
        async () => {
          const res = await t.api('GET', '/api/v1/me', { token: rider.accessToken });
          return res.status === 200 && res;
        },
        15_000,
        200,
      );
      assert.equal(back.body.data.id, rider.id);
      assert.equal((await t.api('GET', '/health/ready')).body.status, 'ok');
      const trip = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: TRIP_BODY });
      assert.equal(trip.status, 201, 'writes work again, and nothing half-done blocks the rider');
    },
  );
});
