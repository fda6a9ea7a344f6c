import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { notify, type NotifyInput } from '../../src/modules/notifications/index.js';
import { breakers } from '../../src/platform/providers/index.js';
import { FakeHttpProvider, FakeSmtp, eventually } from './fakes.js';
import { RecordingEmitter } from './recorder.js';

describe('notifications: inbox and delivery over providers', () => {
  let t: TestApp;
  let http: FakeHttpProvider;
  let smtp: FakeSmtp;
  let sockets: RecordingEmitter;
  let rider: TestUser;

  before(async () => {
    http = await FakeHttpProvider.start();
    smtp = await FakeSmtp.start();
    t = await startTestApp('notify_delivery', {
      PUSH_URL: http.url,
      SMS_URL: http.url,
      SMTP_URL: smtp.url,
      PROVIDER_TIMEOUT_MS: '500',
      NOTIFY_MAX_ATTEMPTS: '4',
      NOTIFY_RETRY_BASE_MS: '100',
      NOTIFY_RETRY_MAX_MS: '400',
      BREAKER_VOLUME_THRESHOLD: '3',
      BREAKER_RESET_MS: '300',
      JOBS_CONCURRENCY: '10',
    });
    sockets = new RecordingEmitter();
    t.platform.realtime.attach(sockets);
    await t.platform.jobs.start();
    rider = await t.signup('rider');
  });
  after(async () => {
    await t.close();
    await http.close();
    await smtp.close();
  });
  beforeEach(() => {
    http.mode = 'ok';
    breakers.reset();
  });

  const send = (input: NotifyInput) =>
    t.platform.database.db.transaction().execute((tx) => notify(tx, t.platform.jobs, input));
  const deliveries = async (notificationId: string) =>
    (
      await t.platform.database.pool.query(
        `SELECT channel, recipient, status, attempts, last_error FROM "${t.schema}".notification_deliveries WHERE ` +
          `notification_id = $1 ORDER BY channel`,
        [notificationId],
      )
    ).rows;

  test('the inbox lists notifications newest first with a cursor, and marks them read', async () => {
    const user = await t.signup('rider');
    for (let i = 0; i < 3; i++) await send({ userId: user.id, template: 'promo.weekly', data: { i }, priority: 'LOW' });
    const first = await t.api('GET', '/api/v1/notifications?limit=2', { token: user.accessToken });
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.data.map((n: { data: { i: number } }) => n.data.i),
      [2, 1],
    );
    const second = await t.api('GET', `/api/v1/notifications?limit=2&cursor=${first.body.meta.nextCursor}`, {
      token: user.accessToken,
    });
    assert.deepEqual(
      second.body.data.map((n: { data: { i: number } }) => n.data.i),
      [0],
    );
    assert.equal(second.body.meta.nextCursor, null);

    const id = first.body.data[0].id;
    const read = await t.api('POST', `/api/v1/notifications/${id}/read`, { token: user.accessToken });
    assert.equal(read.status, 200);
    assert.ok(read.body.data.readAt);
    const stranger = await t.signup('rider');
    assert.equal(
      (await t.api('POST', `/api/v1/notifications/${id}/read`, { token: stranger.accessToken })).status,
      404,
    );
    const all = await t.api('POST', '/api/v1/notifications/read-all', { token: user.accessToken });
    assert.equal(all.body.data.updated, 2);
  });

  test('one notify() reaches socket, push (each device) and SMS, each delivery tracked', async () => {
    const reg = await t.api('POST', '/api/v1/me/push-tokens', {
      token: rider.accessToken,
      body: { token: 'fcm-device-A', platform: 'android' },
    });
    assert.equal(reg.status, 201);
    const id = await send({
      userId: rider.id,
      template: 'trip.driver_arrived',
      data: { title: 'Driver here', body: 'Your driver has arrived' },
      priority: 'CRITICAL',
    });
    const rows = await eventually(async () => {
      const r = await deliveries(id);
      return r.length === 3 && r.every((d) => d.status === 'sent') ? r : undefined;
    });
    assert.deepEqual(
      rows.map((d) => d.channel),
      ['push', 'sms', 'socket'],
    );
    const push = http.requests.find((r) => r.url.includes('messages:send') && r.body.includes('fcm-device-A'));
    assert.ok(push, 'push went to the registered device');
    assert.equal(JSON.parse(push.body).message.notification.title, 'Driver here');
    const sms = http.requests.find(
      (r) => r.url.endsWith('/Messages.json') && new URLSearchParams(r.body).get('To') === rider.phone,
    );
    assert.ok(sms, 'CRITICAL also goes by SMS to the user phone');
    assert.equal(sockets.find('notification', (p) => p.id === id).length, 1);
  });

  test('email goes out through SMTP when the caller gives an address', async () => {
    const id = await send({
      userId: rider.id,
      template: 'receipt',
      data: { title: 'Your receipt', body: 'Trip fare 55.00 EGP' },
      priority: 'NORMAL',
      channels: ['email'],
      email: 'rider@example.com',
    });
    const mail = await eventually(() => smtp.received.find((m) => m.to.includes('rider@example.com')));
    assert.match(mail.data, /Subject: Your receipt/);
    await eventually(async () => (await deliveries(id)).find((d) => d.channel === 'email' && d.status === 'sent'));
  });

  test('the breaker opens after repeated provider failures and the deliveries are retried later', async () => {
    http.mode = 'fail';
    const users = await Promise.all([1, 2, 3, 4].map(() => t.signup('rider')));
    const ids = await Promise.all(
      users.map((u) => send({ userId: u.id, template: 'x', data: {}, priority: 'CRITICAL', channels: ['sms'] })),
    );
    await eventually(() => breakers.state('sms-twilio') === 'open', 10_000);
    const failedOnce = await eventually(async () => {
      const rows = (await Promise.all(ids.map(deliveries))).flat().filter((d) => d.channel === 'sms');
      return rows.length === 4 && rows.every((d) => d.attempts >= 1) ? rows : undefined;
    });
    assert.ok(
      failedOnce.every((d) => d.status === 'pending'),
      'still pending: a retry is scheduled',
    );
    assert.ok(failedOnce.some((d) => /Breaker is open|HTTP 500/.test(d.last_error)));
    http.mode = 'ok';
    const sent = await eventually(async () => {
      const rows = (await Promise.all(ids.map(deliveries))).flat().filter((d) => d.channel === 'sms');
      return rows.every((d) => d.status === 'sent') ? rows : undefined;
    }, 15_000);
    assert.ok(
      sent.every((d) => d.attempts >= 2),
      'sent on a later attempt',
    );
  });

  test('after the last attempt the delivery fails and its job is dead-lettered', async () => {
    http.mode = 'fail';
    const user = await t.signup('rider');
    const id = await send({ userId: user.id, template: 'x', data: {}, priority: 'HIGH', channels: ['sms'] });
    const row = await eventually(
      async () => (await deliveries(id)).find((d) => d.channel === 'sms' && d.status === 'failed'),
      20_000,
    );
    assert.equal(row.attempts, 4);
    const dead = await eventually(async () => {
      const r = await t.platform.database.pool.query(
        `SELECT task, attempts, last_error FROM "${t.schema}".dead_letters WHERE task = 'notifications.send' AND ` +
          `last_error LIKE '%failed after 4 attempts%'`,
      );
      return r.rows[0];
    });
    assert.equal(dead.task, 'notifications.send');
  });

  test('a provider that refuses the message (4xx) fails it at once, without retries', async () => {
    http.mode = 'reject';
    const user = await t.signup('rider');
    const id = await send({ userId: user.id, template: 'x', data: {}, priority: 'CRITICAL', channels: ['sms'] });
    const row = await eventually(async () =>
      (await deliveries(id)).find((d) => d.channel === 'sms' && d.status === 'failed'),
    );
    assert.equal(row.attempts, 1);
    assert.match(row.last_error, /HTTP 400/);
  });

  test('NOTIFICATIONS_DEGRADED: only CRITICAL goes out; the rest stays in the inbox', async () => {
    t.platform.flags.set('NOTIFICATIONS_DEGRADED', true);
    try {
      const user = await t.signup('rider');
      const normal = await send({ userId: user.id, template: 'promo', data: {}, priority: 'NORMAL' });
      const critical = await send({
        userId: user.id,
        template: 'alert',
        data: {},
        priority: 'CRITICAL',
        channels: ['socket'],
      });
      await eventually(() => sockets.find('notification', (p) => p.id === critical).length === 1);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(sockets.find('notification', (p) => p.id === normal).length, 0);
      assert.deepEqual(await deliveries(normal), []);
      const inbox = await t.api('GET', '/api/v1/notifications', { token: user.accessToken });
      assert.equal(inbox.body.data.length, 2, 'both are in the inbox');
    } finally {
      t.platform.flags.set('NOTIFICATIONS_DEGRADED', false);
    }
  });
});
