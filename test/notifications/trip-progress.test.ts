import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { formatterFor } from '../../src/modules/notifications/templates/format.js';
import { expireSearchTask } from '../../src/modules/trips/index.js';
import { CAIRO_PICKUP, OWN_OFFERS, TRIP_BODY, acceptedTrip, query, requestTrip } from '../support/fixtures.js';
import { registerDevice } from './devices.js';
import { FakeHttpProvider, eventually } from './fakes.js';

interface PushSeen {
  token: string;
  title: string;
  body: string;
}

/** Issue 17.3: trip steps reach the phones (fake FCM v1 server) and the inbox, in the recipient's language. */
describe('trip progress on the phones (issue 17 point 3)', () => {
  let t: TestApp;
  let fcm: FakeHttpProvider;
  before(async () => {
    fcm = await FakeHttpProvider.start();
    t = await startTestApp('notify_trip_progress', {
      ...OWN_OFFERS,
      PUSH_URL: fcm.url,
      PROVIDER_TIMEOUT_MS: '2000',
      // A booked ride 20 min ahead is reminded at once (lead 60 min), so the test sees the reminder.
      TRIP_REMINDER_LEAD_MIN: '60',
    });
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await fcm.close();
  });

  const pushesTo = (token: string): PushSeen[] =>
    fcm.requests
      .map((r) => JSON.parse(r.body).message as { token?: string; notification?: { title: string; body: string } })
      .filter((m) => m.token === token && m.notification)
      .map((m) => ({ token, title: m.notification!.title, body: m.notification!.body }));
  const pushTitled = (token: string, title: string) =>
    eventually(() => pushesTo(token).find((p) => p.title === title), 15_000);

  const withDevice = (user: TestUser, locale: 'ar' | 'en') => registerDevice(t, user, { locale });

  const inboxTemplates = async (user: TestUser) =>
    (await t.api('GET', '/api/v1/notifications', { token: user.accessToken })).body.data.map(
      (n: { template: string }) => n.template,
    ) as string[];

  test('a rider with no socket and locale=ar gets accepted, arrived, started and completed pushes in Arabic', async () => {
    const rider = await t.signup('rider');
    const device = await withDevice(rider, 'ar');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);

    const accepted = await pushTitled(device, 'السائق في الطريق');
    const plate = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.driver
      .vehicle.plate as string;
    assert.ok(accepted.body.includes('Test driver') && accepted.body.includes(plate), accepted.body);

    const step = (status: string, otp?: string) =>
      t.api('POST', `/api/v1/trips/${trip.id}/status`, { token: driver.accessToken, body: { status, otp } });
    assert.equal((await step('arrived')).status, 200);
    assert.match((await pushTitled(device, 'وصل سائقك')).body, new RegExp(plate));
    const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
    assert.equal((await step('started', otp)).status, 200);
    await pushTitled(device, 'بدأت الرحلة');
    assert.equal((await step('completed')).status, 200);

    const completed = await pushTitled(device, 'اكتملت الرحلة');
    const receipt = await t.api('GET', `/api/v1/trips/${trip.id}/receipt`, { token: rider.accessToken });
    const total = formatterFor('ar').money(receipt.body.data.total, receipt.body.data.currency);
    assert.ok(completed.body.includes(total), `${completed.body} shows the receipt total ${total}`);
    assert.match(completed.body, /[\u0660-\u0669]/, 'Arabic-Indic digits');

    const inbox = await inboxTemplates(rider);
    for (const template of ['trip.accepted', 'trip.arrived', 'trip.started', 'trip.completed'])
      assert.equal(inbox.filter((k) => k === template).length, 1, `${template} once in the inbox`);
  });

  test("the driver hears the rider's cancel, the rider that no drivers were found, both hear support's cancel", async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const driverDevice = await withDevice(driver, 'en');
    const trip = await acceptedTrip(t, rider, driver);
    const cancel = await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
      token: rider.accessToken,
      body: { reason: 'changed plans' },
    });
    assert.equal(cancel.status, 200);
    const push = await pushTitled(driverDevice, 'Ride cancelled by the rider');
    const fee = cancel.body.data.cancellation.fee;
    if (fee) assert.ok(push.body.includes(formatterFor('en').money(fee.amount)), push.body);
    const riderInbox = await inboxTemplates(rider);
    assert.ok(!riderInbox.some((k) => k.startsWith('trip.cancelled')), 'the rider who cancelled is not told');

    const searching = await requestTrip(t, rider);
    const riderDevice = await withDevice(rider, 'en');
    // The search timeout fires now instead of after SEARCH_TIMEOUT_MS (same job key: the queued one is replaced).
    await t.platform.jobs.enqueue(
      t.platform.database.db,
      expireSearchTask,
      { tripId: searching.id },
      { jobKey: `trip-search-timeout:${searching.id}`, runAt: new Date() },
    );
    await pushTitled(riderDevice, 'No drivers available');
    assert.ok((await inboxTemplates(rider)).includes('trip.no_drivers'));

    const third = await acceptedTrip(t, rider, driver);
    const admin = await t.admin();
    const byAdmin = await t.api('POST', `/api/v1/trips/${third.id}/cancel`, {
      token: admin.accessToken,
      body: { reason: 'duplicate booking' },
    });
    assert.equal(byAdmin.status, 200);
    await pushTitled(driverDevice, 'Ride cancelled by support');
    await pushTitled(riderDevice, 'Ride cancelled by support');
  });

  test('a booked ride is confirmed to the rider and reminded before pickup', async () => {
    const rider = await t.signup('rider');
    const device = await withDevice(rider, 'en');
    const scheduledAt = new Date(Date.now() + 20 * 60_000).toISOString();
    await requestTrip(t, rider, { ...TRIP_BODY, scheduledAt });
    await pushTitled(device, 'Ride booked');
    const reminder = await pushTitled(device, 'Your ride is coming up');
    assert.match(reminder.body, /^Reminder: your booked ride is at /);
  });

  test('"driver arriving" reaches the rider once per trip, however many nodes see the ETA drop', async () => {
    const rider = await t.signup('rider');
    const device = await withDevice(rider, 'en');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const fix = await t.api('POST', '/api/v1/location/update', {
      token: driver.accessToken,
      body: { lat: CAIRO_PICKUP.lat + 0.001, lng: CAIRO_PICKUP.lng, timestamp: Date.now() },
    });
    assert.equal(fix.body.data.accepted, true, JSON.stringify(fix.body));
    await pushTitled(device, 'Your driver is almost there');
    // Other nodes computing their own ETA ≤ 1 min signal it too: 20 at once.
    for (let i = 0; i < 20; i++)
      t.platform.bus.signal('trip.driver_arriving', { tripId: trip.id, driverId: driver.id, etaS: 30 });
    await new Promise((r) => setTimeout(r, 1_000));
    const rows = await query(t, `SELECT id FROM $schema.notifications WHERE user_id = $1 AND template = $2`, [
      rider.id,
      'trip.driver_arriving',
    ]);
    assert.equal(rows.length, 1);
    assert.equal(pushesTo(device).filter((p) => p.title === 'Your driver is almost there').length, 1);
  });

  test('a chat message is pushed to the member with no live socket, not to the one with a socket', async () => {
    const rider = await t.signup('rider');
    const riderDevice = await withDevice(rider, 'en');
    const driver = await t.driver();
    const driverDevice = await withDevice(driver, 'en');
    const trip = await acceptedTrip(t, rider, driver);
    await t.connectSocket(driver.accessToken);
    const send = (from: TestUser, text: string) =>
      t.api('POST', `/api/v1/trips/${trip.id}/messages`, {
        token: from.accessToken,
        body: { text, clientMessageId: `m-${text}` },
      });
    assert.equal((await send(rider, 'I am by the gate')).status, 201);
    assert.equal((await send(driver, 'Coming in 2 minutes')).status, 201);
    const push = await eventually(() => pushesTo(riderDevice).find((p) => p.body === 'Coming in 2 minutes'));
    assert.equal(push.title, 'Test driver');
    await eventually(async () => {
      const left = await query(
        t,
        `SELECT 1 FROM "${t.schema}_jobs"._private_jobs j JOIN "${t.schema}_jobs"._private_tasks k ON k.id = j.task_id
         WHERE k.identifier = 'chat.offline_push'`,
      );
      return left.length === 0;
    });
    assert.deepEqual(
      pushesTo(driverDevice).filter((p) => p.body === 'I am by the gate'),
      [],
      'the driver had the app open: the socket was enough',
    );
  });
});
