import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Webhook } from 'standardwebhooks';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { eventually, query, requestTrip, OWN_OFFERS } from '../support/fixtures.js';
import { Receiver } from './receiver.js';
import { jobsSchemaFor } from '../../src/platform/jobs/runner-options.js';

const SETTINGS = {
  ...OWN_OFFERS,
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_SWEEP_MS: '500',
};
const TRIPS = 10;

describe('webhooks survive kill -9 of the worker mid-delivery', () => {
  let t: TestApp;
  let receiver: Receiver;
  before(async () => {
    t = await startTestApp('webhook_kill', SETTINGS); // its worker starts only after the child is dead
    receiver = await Receiver.start();
  });
  after(async () => {
    await t.close();
    await Receiver.closeAll();
  });

  test('every event still arrives, in order per trip, after the sending worker is SIGKILLed', async () => {
    const admin = await t.admin();
    const hook = (
      await t.api('POST', '/api/v1/admin/webhooks', {
        token: admin.accessToken,
        body: { url: receiver.url, events: ['trip.*'] },
      })
    ).body.data as { id: string; secret: string };
    receiver.mode = 'hang';
    const riders: TestUser[] = [];
    for (let i = 0; i < TRIPS; i++) riders.push(await t.signup('rider'));
    for (const rider of riders) {
      const trip = await requestTrip(t, rider);
      await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, { token: rider.accessToken, body: { reason: 'changed' } });
    }

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/webhooks/support/worker-child.ts'], {
      env: { ...process.env, DB_SCHEMA: t.schema, ...SETTINGS },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
    const rows = async () =>
      query<{ n: number }>(t, 'SELECT count(*)::int AS n FROM $schema.webhook_deliveries WHERE endpoint_id = $1', [
        hook.id,
      ]);
    await eventually(async () => (await rows())[0]!.n === 2 * TRIPS, 30_000);
    await eventually(async () => receiver.arrivals > 0, 30_000); // a delivery is in flight, unanswered
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    receiver.mode = 'ok';
    // The worst a kill can leave: every pending job locked by the dead worker (running or in its local queue), which
    // graphile-worker frees only after 4 hours. No job may be needed to pick the stranded deliveries up again.
    await t.platform.database.pool.query(
      `UPDATE "${jobsSchemaFor(t.schema)}"._private_jobs SET locked_at = now(), locked_by = 'killed-worker'`,
    );
    await t.platform.jobs.start(); // the node that is left: its worker starts, nothing is enqueued for it
    // Correctness, not speed: the dead worker's leases lapse first (~10 s); on a loaded CI box this file took 52 s.
    await eventually(
      async () => new Set(receiver.acked().map((r) => r.headers['webhook-id'])).size === 2 * TRIPS,
      120_000,
    );
    const verifier = new Webhook(hook.secret);
    const byTrip = new Map<string, string[]>();
    for (const r of receiver.acked()) {
      const m = verifier.verify(r.body, r.headers) as { type: string; data: { id: string } };
      const seen = byTrip.get(m.data.id) ?? [];
      if (!seen.includes(m.type)) byTrip.set(m.data.id, [...seen, m.type]);
    }
    for (const [, seen] of byTrip) assert.deepEqual(seen, ['trip.requested', 'trip.cancelled']);
  });
});
