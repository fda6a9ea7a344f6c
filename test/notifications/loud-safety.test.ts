import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomPhone, startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { notify } from '../../src/modules/notifications/index.js';
import { OWN_OFFERS, acceptedTrip, query } from '../support/fixtures.js';
import { registerDevice } from './devices.js';
import { FakeHttpProvider, eventually } from './fakes.js';

interface DeliveryRow {
  status: string;
  attempts: number;
  last_error: string | null;
  priority: string;
  template: string;
}

/** Issue 17.6: a push outage never holds a trip; SOS and "driver cancelled" are loud. */
describe('quiet failure, loud safety (issue 17 point 6)', () => {
  let t: TestApp;
  let fcm: FakeHttpProvider;
  let sms: FakeHttpProvider;
  before(async () => {
    fcm = await FakeHttpProvider.start();
    sms = await FakeHttpProvider.start();
    t = await startTestApp('notify_loud_safety', {
      ...OWN_OFFERS,
      PUSH_URL: fcm.url,
      SMS_URL: sms.url,
      PROVIDER_TIMEOUT_MS: '500',
      NOTIFY_RETRY_BASE_MS: '200',
      NOTIFY_RETRY_MAX_MS: '400',
      BREAKER_RESET_MS: '300',
    });
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await fcm.close();
    await sms.close();
  });

  const withDevice = (user: TestUser) => registerDevice(t, user);

  const pushDeliveries = (userId: string, template: string) =>
    query<DeliveryRow>(
      t,
      `SELECT d.status, d.attempts, d.last_error, n.priority, n.template
         FROM $schema.notification_deliveries d JOIN $schema.notifications n ON n.id = d.notification_id
        WHERE n.user_id = $1 AND n.template = $2 AND d.channel = 'push'`,
      [userId, template],
    );

  test('a hanging push provider: the transition commits at once, the push is retried by jobs until it goes', async () => {
    const rider = await t.signup('rider');
    await withDevice(rider);
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    fcm.mode = 'hang';
    try {
      const res = await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
        token: driver.accessToken,
        body: { status: 'arrived' },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.data.status, 'arrived');
      const [failing] = await eventually(async () => {
        const rows = await pushDeliveries(rider.id, 'trip.arrived');
        return rows.length === 1 && rows[0]!.attempts >= 1 ? rows : null;
      });
      assert.equal(failing!.status, 'pending', 'not given up: a retry is scheduled');
      assert.ok(failing!.last_error, 'the timeout is recorded');
    } finally {
      fcm.mode = 'ok';
    }
    const [sent] = await eventually(async () => {
      const rows = await pushDeliveries(rider.id, 'trip.arrived');
      return rows[0]?.status === 'sent' ? rows : null;
    }, 20_000);
    assert.ok(sent!.attempts >= 1);
  });

  test('"driver cancelled" is CRITICAL: pushed while NOTIFICATIONS_DEGRADED holds back everything else', async () => {
    const admin = await t.admin();
    const flag = (enabled: boolean) =>
      t.api('PUT', '/api/v1/admin/flags/NOTIFICATIONS_DEGRADED', { token: admin.accessToken, body: { enabled } });
    const rider = await t.signup('rider');
    const device = await withDevice(rider);
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    await eventually(async () => (await pushDeliveries(rider.id, 'trip.accepted'))[0]?.status === 'sent');
    assert.equal((await flag(true)).status, 200);
    try {
      await t.platform.database.db
        .transaction()
        .execute((tx) =>
          notify(tx, t.platform.jobs, { userId: rider.id, template: 'trip.started', data: {}, priority: 'HIGH' }),
        );
      const cancel = await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
        token: driver.accessToken,
        body: { reason: 'flat tyre' },
      });
      assert.equal(cancel.status, 200);
      const [critical] = await eventually(async () => {
        const rows = await pushDeliveries(rider.id, 'trip.reassigning');
        return rows[0]?.status === 'sent' ? rows : null;
      });
      assert.equal(critical!.priority, 'CRITICAL');
      // Held in the inbox only: no delivery is even queued for it while degraded.
      const inbox = await t.api('GET', '/api/v1/notifications', { token: rider.accessToken });
      assert.ok(inbox.body.data.some((n: { template: string }) => n.template === 'trip.started'));
      assert.deepEqual(await pushDeliveries(rider.id, 'trip.started'), []);
      const titles = fcm.requests
        .map((r) => JSON.parse(r.body).message)
        .filter((m: { token?: string }) => m.token === device)
        .map((m: { notification?: { title: string } }) => m.notification?.title);
      assert.ok(titles.includes('Finding you another driver'));
      assert.ok(!titles.includes('Ride started'));
    } finally {
      await flag(false);
    }
  });

  test('SOS: a contact whose push fails, and one with no device, get an SMS with the live trip link', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const [gone, healthy] = [await t.signup('rider'), await t.signup('rider')];
    const goneDevice = await withDevice(gone);
    fcm.goneTokens.add(goneDevice);
    const healthyDevice = await withDevice(healthy);
    const noApp = randomPhone();
    const contacts = [
      { name: 'Gone phone', phone: gone.phone },
      { name: 'Healthy phone', phone: healthy.phone },
      { name: 'No app', phone: noApp },
    ];
    const put = await t.api('PUT', '/api/v1/me/emergency-contacts', { token: rider.accessToken, body: { contacts } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const sos = await t.api('POST', '/api/v1/sos', {
      token: rider.accessToken,
      body: { tripId: trip.id, lat: 30.05, lng: 31.24 },
    });
    assert.equal(sos.status, 201);

    const smsTo = (phone: string) =>
      sms.requests.map((r) => new URLSearchParams(r.body)).filter((f) => f.get('To') === phone);
    const [toGone] = await eventually(() => smsTo(gone.phone).length > 0 && smsTo(gone.phone));
    const [toNoApp] = await eventually(() => smsTo(noApp).length > 0 && smsTo(noApp));
    await eventually(() => fcm.requests.some((r) => r.body.includes(healthyDevice)));
    for (const body of [toGone!.get('Body')!, toNoApp!.get('Body')!]) {
      const link = /\/api\/v1\/share\/([A-Za-z0-9_-]{22})/.exec(body);
      assert.ok(link, `live link in: ${body}`);
      const view = await t.api('GET', `/api/v1/share/${link[1]}`);
      assert.equal(view.status, 200);
      assert.equal(view.body.data.status, 'accepted');
    }
    // Give a wrong extra SMS time to show up before saying there is none.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(smsTo(gone.phone).length, 1, 'once, though the push failed');
    assert.equal(smsTo(healthy.phone).length, 0, 'the push reached the phone: no SMS');
    const alert = await t.api('GET', `/api/v1/sos/${sos.body.data.alertId}`, { token: rider.accessToken });
    const channels = (alert.body.data.channels as Array<{ channel: string; status: string }>).map(
      (d) => `${d.channel}:${d.status}`,
    );
    assert.ok(channels.includes('push:failed') && channels.includes('push:sent'), channels.join(','));
  });
});
