/**
 * Issue 20.3: retries stop once a delivery is older than WEBHOOK_GIVE_UP_MS
 * (24 h by default; 1 s here), and an endpoint that has failed for that long
 * is disabled and its owner told, once.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { eventually, query, requestTrip, OWN_OFFERS } from '../support/fixtures.js';
import { Receiver } from './receiver.js';

const GIVE_UP_MS = 1_000;

describe('webhooks: giving up on a failing endpoint', () => {
  let t: TestApp;
  let admin: TestUser;

  before(async () => {
    t = await startTestApp('webhook_give_up', {
      ...OWN_OFFERS,
      WEBHOOK_GIVE_UP_MS: String(GIVE_UP_MS),
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_MAX_MS: '300',
      WEBHOOK_SWEEP_MS: '500',
    });
    admin = await t.admin();
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await Receiver.closeAll();
  });

  test('a receiver answering 500 for longer than the give-up time: deliveries end failed, the endpoint is disabled, its owner told once', async () => {
    const failing = await Receiver.start();
    failing.mode = 'down';
    const created = await t.api('POST', '/api/v1/admin/webhooks', {
      token: admin.accessToken,
      body: { url: failing.url, events: ['trip.requested'] },
    });
    assert.equal(created.status, 201);
    const hook = created.body.data as { id: string };
    const deliveries = () =>
      query<{ status: string; attempts: number }>(
        t,
        'SELECT status, attempts FROM $schema.webhook_deliveries WHERE endpoint_id = $1 ORDER BY ordinal',
        [hook.id],
      );

    await requestTrip(t, await t.signup('rider'));
    await eventually(async () => (await deliveries())[0]?.status === 'failed', 15_000);
    const [first] = await deliveries();
    assert.ok(first!.attempts >= 2, `retried before giving up (${first!.attempts} attempts)`);
    const attemptsAtGiveUp = failing.arrivals;

    // The endpoint has now failed for longer than the give-up time: its next failure disables it.
    await requestTrip(t, await t.signup('rider'));
    await eventually(async () => {
      const res = await t.api('GET', `/api/v1/admin/webhooks/${hook.id}`, { token: admin.accessToken });
      return res.body.data.enabled === false && res.body.data.disabledReason === 'failing';
    }, 15_000);
    const notes = await query(t, 'SELECT 1 FROM $schema.notifications WHERE user_id = $1 AND template = $2', [
      admin.id,
      'webhook.endpoint_disabled',
    ]);
    assert.equal(notes.length, 1, 'the owner is told once');

    const settled = failing.arrivals;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(failing.arrivals, settled, 'a disabled endpoint is sent nothing more');
    assert.ok(settled > attemptsAtGiveUp, 'the second trip was attempted before the endpoint was disabled');
  });
});
