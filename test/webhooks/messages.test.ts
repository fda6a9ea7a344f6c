/**
 * A webhook message is stored once however many endpoints it goes to
 * (migration 0089), and every endpoint gets the same bytes under the same
 * webhook-id, a replay included.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { eventually, query, requestTrip, OWN_OFFERS } from '../support/fixtures.js';
import { Receiver } from './receiver.js';

describe('webhook messages: one payload per message', () => {
  let t: TestApp;
  let admin: TestUser;

  before(async () => {
    t = await startTestApp('webhook_messages', { ...OWN_OFFERS, WEBHOOK_SWEEP_MS: '500' });
    admin = await t.admin();
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await Receiver.closeAll();
  });

  test('three endpoints of one trip.requested: one stored payload, the same body and webhook-id at each, a replay too', async () => {
    const receivers = await Promise.all([Receiver.start(), Receiver.start(), Receiver.start()]);
    const hooks = [];
    for (const r of receivers) {
      const res = await t.api('POST', '/api/v1/admin/webhooks', {
        token: admin.accessToken,
        body: { url: r.url, events: ['trip.requested'] },
      });
      assert.equal(res.status, 201);
      hooks.push(res.body.data as { id: string });
    }
    const trip = await requestTrip(t, await t.signup('rider'));
    await eventually(async () => receivers.every((r) => r.acked().length === 1), 15_000);

    const bodies = receivers.map((r) => r.acked()[0]!.body);
    const ids = receivers.map((r) => r.acked()[0]!.headers['webhook-id']);
    assert.equal(new Set(bodies).size, 1, 'every endpoint got the same bytes');
    assert.equal(new Set(ids).size, 1, 'under one webhook-id');
    assert.equal(JSON.parse(bodies[0]!).data.id, trip.id);
    const stored = await query<{ n: number }>(
      t,
      'SELECT count(*)::int AS n FROM $schema.webhook_messages WHERE message_id = $1',
      [ids[0]],
    );
    assert.equal(stored[0]!.n, 1, 'the payload is stored once');
    const deliveries = await query(t, 'SELECT 1 FROM $schema.webhook_deliveries WHERE message_id = $1', [ids[0]]);
    assert.equal(deliveries.length, 3, 'one delivery per endpoint');

    const [row] = (
      await t.api('GET', `/api/v1/admin/webhooks/${hooks[1]!.id}/deliveries`, { token: admin.accessToken })
    ).body.data as Array<{ id: string }>;
    const replay = await t.api('POST', `/api/v1/admin/webhook-deliveries/${row!.id}/replay`, {
      token: admin.accessToken,
    });
    assert.equal(replay.status, 202);
    await eventually(async () => receivers[1]!.acked().length === 2, 15_000);
    assert.equal(receivers[1]!.acked()[1]!.body, bodies[0], 'the replay sends the stored payload');
  });
});
