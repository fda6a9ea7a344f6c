import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { acceptedTrip, eventually, query, requestTrip, OWN_OFFERS } from '../support/fixtures.js';
import { Receiver } from './receiver.js';

const FAST_RETRIES = {
  ...OWN_OFFERS,
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_SWEEP_MS: '500',
  WEBHOOK_TIMEOUT_MS: '5000',
};

describe('webhook delivery from the outbox (issue 20.2–20.3)', () => {
  let t: TestApp;
  let admin: TestUser;
  let receiver: Receiver;

  before(async () => {
    t = await startTestApp('webhook_delivery', FAST_RETRIES);
    admin = await t.admin();
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await Receiver.closeAll();
  });

  /** Each test starts with no endpoints (a failed test's must not keep sending into the next). */
  beforeEach(async () => query(t, 'DELETE FROM $schema.webhook_endpoints'));

  /** `work` over `items`, `size` at a time: 100 trips stay in flight together without exhausting the pool. */
  const inWaves = async <T, R>(items: T[], size: number, work: (item: T, i: number) => Promise<R>) => {
    const out: R[] = [];
    for (let i = 0; i < items.length; i += size)
      out.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => work(item, i + j)))));
    return out;
  };

  const register = async (url: string, events: string[]) => {
    const res = await t.api('POST', '/api/v1/admin/webhooks', { token: admin.accessToken, body: { url, events } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data as { id: string; secret: string };
  };
  const cancel = (trip: { id: string }, rider: TestUser) =>
    t.api('POST', `/api/v1/trips/${trip.id}/cancel`, { token: rider.accessToken, body: { reason: 'changed' } });

  test('a trip ridden end to end arrives signed (standardwebhooks verifies), in order, with the receipt', async () => {
    receiver = await Receiver.start();
    // trip.*, not "*": t.driver() approves a driver, which now sends driver.approved too
    const hook = await register(receiver.url, ['trip.*']);
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
    for (const body of [{ status: 'arrived' }, { status: 'started', otp }, { status: 'completed' }]) {
      const res = await t.api('POST', `/api/v1/trips/${trip.id}/status`, { token: driver.accessToken, body });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const types = ['trip.requested', 'trip.accepted', 'trip.arrived', 'trip.started', 'trip.completed', 'trip.receipt'];
    await eventually(async () => receiver.acked().length >= types.length, 15_000);
    const verifier = new Webhook(hook.secret);
    const messages = receiver
      .acked()
      .map((r) => verifier.verify(r.body, r.headers) as { id: string; type: string; data: any });
    assert.deepEqual(
      messages.map((m) => m.type),
      types,
    );
    assert.equal(messages[4]!.data.id, trip.id);
    assert.equal(messages[4]!.data.status, 'completed');
    assert.ok(messages[5]!.data.items.length > 0, 'the receipt carries its items');
    assert.equal(
      messages[5]!.data.items.reduce((s: number, i: { amount: number }) => s + i.amount, 0),
      messages[5]!.data.total,
    );
    assert.deepEqual(Object.keys(JSON.parse(receiver.acked()[0]!.body)).sort(), ['createdAt', 'data', 'id', 'type']);

    const delivered = await t.api('GET', `/api/v1/admin/webhooks/${hook.id}/deliveries?status=delivered&limit=100`, {
      token: admin.accessToken,
    });
    assert.equal(delivered.body.data.length, types.length);
    const row = delivered.body.data[0];
    assert.equal(row.lastStatusCode, 200);
    assert.equal(row.lastResponse, 'thanks');
    assert.equal(row.attempts, 1);
    assert.ok(row.lastLatencyMs >= 0);

    // Replay: the same message (same webhook-id) again, still verifiable.
    const replay = await t.api('POST', `/api/v1/admin/webhook-deliveries/${row.id}/replay`, {
      token: admin.accessToken,
    });
    assert.equal(replay.status, 202);
    await eventually(
      async () => receiver.acked().filter((r) => r.headers['webhook-id'] === row.messageId).length === 2,
    );
    await t.api('DELETE', `/api/v1/admin/webhooks/${hook.id}`, { token: admin.accessToken });
    await receiver.close();
  });

  test('100 concurrent trips: each trip’s events reach the endpoint in order; a rolled-back change sends nothing', async () => {
    receiver = await Receiver.start();
    const hook = await register(receiver.url, ['trip.requested', 'trip.cancelled']);
    const riders = await inWaves(Array.from({ length: 100 }), 10, () => t.signup('rider'));
    const trips = await inWaves(riders, 25, (r) => requestTrip(t, r));
    // A second request while one is active is refused (rolled back): it must never be announced.
    assert.equal((await t.api('POST', '/api/v1/trips', { token: riders[0]!.accessToken, body: {} })).status, 400);
    await inWaves(trips, 25, (trip, i) => cancel(trip, riders[i]!));
    await eventually(async () => receiver.acked().length >= 200, 60_000);
    const verifier = new Webhook(hook.secret);
    const byTrip = new Map<string, string[]>();
    for (const r of receiver.acked()) {
      const m = verifier.verify(r.body, r.headers) as { type: string; data: { id: string } };
      byTrip.set(m.data.id, [...(byTrip.get(m.data.id) ?? []), m.type]);
    }
    assert.equal(byTrip.size, 100);
    for (const [, seen] of byTrip) assert.deepEqual(seen, ['trip.requested', 'trip.cancelled']);
    await t.api('DELETE', `/api/v1/admin/webhooks/${hook.id}`, { token: admin.accessToken });
    await receiver.close();
  });

  test('a receiver down for a while then up gets every event; duplicates only of unacknowledged attempts', async () => {
    receiver = await Receiver.start();
    receiver.mode = 'down';
    const hook = await register(receiver.url, ['trip.*']);
    const riders = await Promise.all(Array.from({ length: 10 }, () => t.signup('rider')));
    const trips = await Promise.all(riders.map((r) => requestTrip(t, r)));
    await Promise.all(trips.map((trip, i) => cancel(trip, riders[i]!)));
    await eventually(async () => receiver.received.length >= 10, 30_000);
    receiver.mode = 'ok';
    await eventually(async () => new Set(receiver.acked().map((r) => r.headers['webhook-id'])).size >= 20, 60_000);
    const acks = receiver.acked().map((r) => r.headers['webhook-id']);
    assert.equal(acks.length, new Set(acks).size, 'nothing acknowledged is sent again');
    // The sender records an answer right after reading it (group commit), a moment after the receiver counted it:
    // within 2 s of the last acknowledgement the list shows nothing pending.
    const pending = async () =>
      (
        await t.api('GET', `/api/v1/admin/webhooks/${hook.id}/deliveries?status=pending`, {
          token: admin.accessToken,
        })
      ).body.data.length;
    await eventually(async () => (await pending()) === 0, 2_000).catch(() => undefined);
    assert.equal(await pending(), 0);
    const [endpoint] = await query<{ failing_since: Date | null }>(
      t,
      'SELECT failing_since FROM $schema.webhook_endpoints WHERE id = $1',
      [hook.id],
    );
    assert.equal(endpoint!.failing_since, null, 'a success clears the failure clock');
    await t.api('DELETE', `/api/v1/admin/webhooks/${hook.id}`, { token: admin.accessToken });
    await receiver.close();
  });

  test('410 Gone disables the endpoint and tells its owner; a hanging endpoint does not delay another', async () => {
    const gone = await Receiver.start();
    gone.mode = 'gone';
    const hanging = await Receiver.start();
    hanging.mode = 'hang';
    receiver = await Receiver.start();
    const goneHook = await register(gone.url, ['trip.requested']);
    const hangingHook = await register(hanging.url, ['trip.requested']);
    await register(receiver.url, ['trip.requested']);
    const rider = await t.signup('rider');
    await requestTrip(t, rider);
    await eventually(async () => receiver.acked().length === 1, 30_000);
    const [stuck] = await query<{ attempts: number; last_error: string | null; status: string }>(
      t,
      'SELECT d.attempts, d.last_error, d.status FROM $schema.webhook_deliveries d WHERE d.endpoint_id = $1',
      [hangingHook.id],
    );
    assert.equal(stuck?.status, 'pending');
    assert.equal(
      stuck?.last_error,
      null,
      'the healthy endpoint got its event while the hanging attempt was still open',
    );
    await eventually(async () => {
      const res = await t.api('GET', `/api/v1/admin/webhooks/${goneHook.id}`, { token: admin.accessToken });
      return res.body.data.enabled === false && res.body.data.disabledReason === 'gone';
    });
    const notes = await query(t, 'SELECT 1 FROM $schema.notifications WHERE user_id = $1 AND template = $2', [
      admin.id,
      'webhook.endpoint_disabled',
    ]);
    assert.equal(notes.length, 1, 'the owner is told once');
    await gone.close();
    await hanging.close();
  });
});
