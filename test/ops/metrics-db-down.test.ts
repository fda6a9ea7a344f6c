// npm test: own process (it reads absolute values of the process-wide metrics registry)
/**
 * A scrape while Postgres is gone still answers, fast: smartline_db_up is 0,
 * the database-derived gauges are left out (not stale, not an error), the
 * in-process ones are there; when Postgres is back they return. Uses its own
 * embedded Postgres so stopping it hurts nobody else.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../../src/platform/db/embedded.js';
import { scrape } from './prom.js';

/** The probe gives up after 1.5 s; anything near Prometheus' 10 s scrape timeout would lose the whole scrape. */
const FAST_MS = 4_000;
const FROM_DB = ['smartline_trips', 'smartline_drivers_online', 'smartline_jobs_queued', 'smartline_jobs_dead_letters'];

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

describe('GET /metrics with the database down', () => {
  const dir = `.data/metrics-pg-${randomBytes(4).toString('hex')}`;
  let port: number;
  let pg: EmbeddedHandle | undefined;
  let t: TestApp;

  before(async () => {
    port = await sparePort();
    pg = await startEmbeddedPostgres({ dir, port });
    t = await startTestApp('metrics_db_down', { DATABASE_URL: pg.url, DB_POOL_MAX: '4' });
  });
  after(async () => {
    if (!pg) pg = await startEmbeddedPostgres({ dir, port }).catch(() => undefined);
    await t?.close().catch(() => {});
    await pg?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  test('answers 200 without the database samples, then recovers', async () => {
    let s = await scrape(t);
    assert.equal(s.value('smartline_db_up'), 1);
    for (const name of FROM_DB) assert.ok(s.find(name).length > 0, name);

    await pg!.stop();
    pg = undefined;
    const started = performance.now();
    s = await scrape(t);
    assert.ok(performance.now() - started < FAST_MS, `scrape took ${Math.round(performance.now() - started)} ms`);
    assert.equal(s.value('smartline_db_up'), 0);
    for (const name of FROM_DB) assert.equal(s.find(name).length, 0, `${name} left out`);
    assert.equal(s.value('smartline_db_pool_max_clients'), 4);
    assert.equal(s.value('smartline_hotstate_degraded'), 0);
    assert.ok(
      s.find('smartline_http_request_duration_seconds_count', { route: '/metrics', status_code: '200' }).length > 0,
    );

    pg = await startEmbeddedPostgres({ dir, port });
    const deadline = Date.now() + 20_000;
    while ((s = await scrape(t)).value('smartline_db_up') !== 1) {
      assert.ok(Date.now() < deadline, 'database back within 20 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const name of FROM_DB) assert.ok(s.find(name).length > 0, `${name} back`);
  });
});
