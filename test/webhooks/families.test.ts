import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import type { TestUser } from '../../support/harness.js';
import { eventually } from '../support/fixtures.js';
import { completeTrip, startPaymentsApp, startedTrip, topUp, type PaymentsTest } from '../payments/support.js';
import { paidCardTrip } from '../payments/card-support.js';
import { assignBySql, requestService } from '../field-service/support.js';
import { Receiver } from './receiver.js';

const FARE = 5_000;
const VEHICLE = { make: 'Hyundai', model: 'Elantra', plate: 'ABC 1234', color: 'silver' };
type Message = { id: string; type: string; createdAt: string; data: any };

/** Issue 20 point 2: the event families beyond trips, bookings and payouts, each over a real local receiver. */
describe('webhook event families: payments, refunds, drivers, service requests, SOS (issue 20.2)', () => {
  let ctx: PaymentsTest;
  let admin: TestUser;

  before(async () => {
    ctx = await startPaymentsApp('webhook_families', { WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_SWEEP_MS: '500' });
    admin = await ctx.t.admin();
  });
  after(async () => {
    await ctx.close();
    await Receiver.closeAll();
  });

  /** A receiver subscribed to `events`; `messages()` are the acknowledged ones, verified with standardwebhooks. */
  async function subscribe(events: string[]) {
    const receiver = await Receiver.start();
    const res = await ctx.t.api('POST', '/api/v1/admin/webhooks', {
      token: admin.accessToken,
      body: { url: receiver.url, events },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const verifier = new Webhook(res.body.data.secret);
    const messages = () => receiver.acked().map((r) => verifier.verify(r.body, r.headers) as Message);
    const done = async () => {
      await ctx.t.api('DELETE', `/api/v1/admin/webhooks/${res.body.data.id}`, { token: admin.accessToken });
      await receiver.close();
    };
    return { messages, done };
  }

  /** Waits for `count` messages, then a little longer so that one sent by mistake would show. */
  async function settled(messages: () => Message[], count: number) {
    await eventually(async () => messages().length >= count, 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    return messages();
  }

  test('payment.succeeded for a card trip paid through Kashier, with the order it paid', async () => {
    const hook = await subscribe(['payment.*']);
    const { t } = ctx;
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const { transactionId } = await paidCardTrip(ctx, rider, driver, FARE);
    const [message, ...more] = await settled(hook.messages, 1);
    assert.equal(more.length, 0);
    assert.equal(message!.type, 'payment.succeeded');
    assert.deepEqual(
      [message!.data.kind, message!.data.transactionId, message!.data.amount, message!.data.outcome],
      ['card_trip', transactionId, FARE, 'card_paid'],
    );
    await hook.done();
  });

  test('refund.created then refund.succeeded for a wallet refund; a refused (rolled-back) refund sends nothing', async () => {
    const hook = await subscribe(['refund.*']);
    const { t } = ctx;
    const rider = await t.signup('rider');
    await topUp(ctx, rider, FARE);
    const driver = await t.driver();
    const tripId = await startedTrip(t, rider, driver, { paymentMethod: 'wallet', fare: FARE });
    assert.equal((await completeTrip(t, driver, tripId)).status, 200);
    const refund = (amount: number) =>
      t.api('POST', `/api/v1/admin/trips/${tripId}/refunds`, {
        token: admin.accessToken,
        body: { amount, reason: 'Long detour' },
      });
    const res = await refund(FARE);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((await refund(1)).status, 409); // nothing left: rolled back
    const messages = await settled(hook.messages, 2);
    assert.deepEqual(
      messages.map((m) => [m.type, m.data.id, m.data.status]),
      [
        ['refund.created', res.body.data.id, 'succeeded'],
        ['refund.succeeded', res.body.data.id, 'succeeded'],
      ],
    );
    assert.deepEqual(messages[0]!.data, res.body.data, 'data is the Refund as the API answers it');
    await hook.done();
  });

  test('driver.approved once (a repeat approval sends nothing) and driver.suspended', async () => {
    const hook = await subscribe(['driver.*']);
    const { t } = ctx;
    const driver = await t.signup('driver');
    const profile = await t.api('POST', '/api/v1/drivers/me/profile', {
      token: driver.accessToken,
      body: { vehicleClass: 'economy', vehicle: VEHICLE },
    });
    assert.ok(profile.status < 300, JSON.stringify(profile.body));
    const approve = () =>
      t.api('POST', `/api/v1/admin/drivers/${driver.id}/approve`, { token: admin.accessToken, body: {} });
    const approved = await approve();
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal((await approve()).status, 200);
    const suspended = await t.api('POST', `/api/v1/admin/users/${driver.id}/suspend`, {
      token: admin.accessToken,
      body: { reason: 'Documents expired' },
    });
    assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
    const messages = await settled(hook.messages, 2);
    assert.deepEqual(
      messages.map((m) => m.type),
      ['driver.approved', 'driver.suspended'],
    );
    assert.deepEqual(messages[0]!.data, approved.body.data);
    assert.equal(messages[1]!.data.id, driver.id);
    assert.equal(messages[1]!.data.suspended, true);
    assert.equal(messages[1]!.data.suspensionReason, 'Documents expired');
    await hook.done();
  });

  test('service_request.requested, status changes and cancelled, in order, as the ServiceRequest', async () => {
    const hook = await subscribe(['service_request.*']);
    const { t } = ctx;
    const [customer, provider] = [await t.signup('rider'), await t.driver()];
    const req = await requestService(t, customer);
    await assignBySql(t, req.id, provider.id);
    const move = async (who: TestUser, status: string) => {
      const res = await t.api('POST', `/api/v1/service-requests/${req.id}/status`, {
        token: who.accessToken,
        body: { status },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    await move(provider, 'en_route');
    await move(customer, 'cancelled');
    const messages = await settled(hook.messages, 3);
    assert.deepEqual(
      messages.map((m) => m.type),
      ['service_request.requested', 'service_request.status_changed', 'service_request.cancelled'],
    );
    for (const m of messages) assert.equal(m.data.id, req.id);
    assert.equal(messages[0]!.data.serviceType, 'battery');
    assert.equal(messages[0]!.data.completionCode, undefined, 'an admin’s view: no completion code');
    await hook.done();
  });
  test('sos.opened, acknowledged and resolved reach an endpoint that names them, never one on "*"', async () => {
    const named = await subscribe(['sos.*']);
    const everything = await subscribe(['*']);
    const { t } = ctx;
    const rider = await t.signup('rider');
    const raised = await t.api('POST', '/api/v1/sos', {
      token: rider.accessToken,
      body: { lat: 30.0444, lng: 31.2357, note: 'Driver is not stopping' },
    });
    assert.equal(raised.status, 201, JSON.stringify(raised.body));
    const { alertId } = raised.body.data;
    // Opened comes from the fan-out job queued with the alert: wait for it before moving the alert on.
    await eventually(async () => named.messages().length >= 1, 30_000);
    for (const step of ['acknowledge', 'resolve']) {
      const res = await t.api('POST', `/api/v1/admin/sos/${alertId}/${step}`, {
        token: admin.accessToken,
        body: { note: `${step}d by the desk` },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const messages = await settled(named.messages, 3);
    assert.deepEqual(
      messages.map((m) => [m.type, m.data.id, m.data.status]),
      [
        ['sos.opened', alertId, 'open'],
        ['sos.acknowledged', alertId, 'acknowledged'],
        ['sos.resolved', alertId, 'resolved'],
      ],
    );
    assert.equal(messages[0]!.data.note, 'Driver is not stopping');
    assert.equal(messages[2]!.data.resolveNote, 'resolved by the desk');
    assert.deepEqual(
      everything.messages().filter((m) => m.type.startsWith('sos.')),
      [],
      '"*" never carries a person in distress',
    );
    await named.done();
    await everything.done();
  });
});
