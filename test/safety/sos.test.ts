import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { FakeHttpProvider, FakeSmtp, eventually } from '../notifications/fakes.js';
import { RecordingEmitter } from '../notifications/recorder.js';
import { OWN_OFFERS, acceptedTrip, rows } from './trips.js';

const HERE = { lat: 30.0501, lng: 31.2402 };

describe('SOS', () => {
  let t: TestApp;
  let http: FakeHttpProvider;
  let smtp: FakeSmtp;
  let sockets: RecordingEmitter;
  let admin: TestUser;

  before(async () => {
    http = await FakeHttpProvider.start();
    http.mode = 'fail'; // every HTTP provider (push, SMS, voice) is down
    smtp = await FakeSmtp.start();
    smtp.failWith = { code: 421, message: 'service not available' }; // and so is email
    t = await startTestApp('sos', {
      ...OWN_OFFERS,
      PUSH_URL: http.url,
      SMS_URL: http.url,
      SMTP_URL: smtp.url,
      ONCALL_PHONE: '+201000000001',
      ONCALL_EMAIL: 'oncall@smartline.test',
      SOS_ESCALATION_MS: '300',
      SOS_ESCALATION_REPEAT_MS: '300',
      SOS_TRACK_INTERVAL_MS: '200',
      NOTIFY_RETRY_BASE_MS: '100',
      NOTIFY_RETRY_MAX_MS: '300',
      BREAKER_RESET_MS: '200',
      PROVIDER_TIMEOUT_MS: '500',
      JOBS_CONCURRENCY: '10',
    });
    sockets = new RecordingEmitter();
    t.platform.realtime.attach(sockets);
    await t.platform.jobs.start();
    admin = await t.admin();
  });
  after(async () => {
    await t.close();
    await http.close();
    await smtp.close();
  });

  const sos = (user: TestUser, body: Record<string, unknown>) =>
    t.api('POST', '/api/v1/sos', { token: user.accessToken, body });

  test('emergency contacts: at most 5, mobile phone or email, normalised', async () => {
    const rider = await t.signup('rider');
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `C${i}`, email: `c${i}@example.com` }));
    assert.equal(
      (await t.api('PUT', '/api/v1/me/emergency-contacts', { token: rider.accessToken, body: { contacts: six } }))
        .status,
      400,
    );
    assert.equal(
      (
        await t.api('PUT', '/api/v1/me/emergency-contacts', {
          token: rider.accessToken,
          body: { contacts: [{ name: 'X', phone: '+442071838750' }] },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await t.api('PUT', '/api/v1/me/emergency-contacts', {
          token: rider.accessToken,
          body: { contacts: [{ name: 'Nobody' }] },
        })
      ).status,
      400,
    );
    const ok = await t.api('PUT', '/api/v1/me/emergency-contacts', {
      token: rider.accessToken,
      body: {
        contacts: [
          { name: 'Mona', phone: '01001234567' },
          { name: 'Omar', email: 'omar@example.com' },
        ],
      },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(
      ok.body.data.contacts.map((c: { phone: string | null }) => c.phone),
      ['+201001234567', null],
    );
    const got = await t.api('GET', '/api/v1/me/emergency-contacts', { token: rider.accessToken });
    assert.equal(got.body.data.contacts.length, 2);
  });

  test('the alert is stored and its id returned while every provider throws; each channel is tracked', async () => {
    const rider = await t.signup('rider');
    await t.api('PUT', '/api/v1/me/emergency-contacts', {
      token: rider.accessToken,
      body: [{ name: 'Mona', phone: '01001234567', email: 'mona@example.com' }],
    });
    const res = await sos(rider, { ...HERE, note: 'help' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const alertId = res.body.data.alertId as string;
    const stored = await rows(t, 'SELECT status, user_id FROM $schema.sos_alerts WHERE id = $1', [alertId]);
    assert.deepEqual(stored, [{ status: 'open', user_id: rider.id }], 'persisted before the answer');

    // The admin room hears about it even with every external provider down.
    await eventually(() => sockets.find('sos:alert', (p) => p.alertId === alertId)[0]);
    const view = await eventually(async () => {
      const r = await t.api('GET', `/api/v1/sos/${alertId}`, { token: rider.accessToken });
      const chans = r.body.data.channels as Array<{
        channel: string;
        status: string;
        attempts: number;
        lastError?: string;
      }>;
      return chans.filter((c) => c.channel !== 'socket').every((c) => c.attempts >= 1) ? r.body.data : undefined;
    });
    assert.equal(view.status, 'open');
    const byChannel = (name: string) => view.channels.filter((c: { channel: string }) => c.channel === name);
    assert.equal(byChannel('socket')[0].status, 'sent');
    assert.equal(byChannel('push').length, 1);
    assert.equal(byChannel('sms').length, 2, 'contact + on-call');
    assert.equal(byChannel('email').length, 2, 'contact + on-call');
    for (const c of [...byChannel('push'), ...byChannel('sms'), ...byChannel('email')]) {
      assert.notEqual(c.status, 'sent');
      assert.ok(c.lastError, `${c.channel} records why it failed`);
    }
    assert.ok(!JSON.stringify(view.channels).includes('01001234567'), 'recipients are masked');
  });

  test("a contact's SOS text is in the sender's language; on-call staff get English", async () => {
    const rider = await t.signup('rider');
    await t.api('PATCH', '/api/v1/me', { token: rider.accessToken, body: { locale: 'ar' } });
    await t.api('PUT', '/api/v1/me/emergency-contacts', {
      token: rider.accessToken,
      body: [{ name: 'Mona', phone: '01001234568', email: 'mona2@example.com' }],
    });
    const alertId = (await sos(rider, { ...HERE, note: 'حادث' })).body.data.alertId as string;
    const texts = await eventually(async () => {
      const r = await rows(
        t,
        "SELECT channel, recipient_kind, content FROM $schema.notification_deliveries WHERE subject_id = $1 AND channel IN ('sms', 'email')",
        [alertId],
      );
      return r.length === 4 ? r : undefined;
    });
    const text = (kind: string, channel: string) => {
      const c = texts.find((r: any) => r.recipient_kind === kind && r.channel === channel)!.content;
      return channel === 'sms' ? c.body : `${c.subject} ${c.text}`;
    };
    assert.match(text('contact', 'sms'), /^نداء استغاثة من /);
    assert.match(text('contact', 'sms'), /maps\.google\.com.*ملاحظة: حادث/);
    assert.match(text('contact', 'email'), /^استغاثة: /);
    assert.match(text('oncall', 'sms'), /^SOS from /);
  });

  test('escalation fires after the window, repeats, and acknowledging stops it', async () => {
    const rider = await t.signup('rider');
    const alertId = (await sos(rider, HERE)).body.data.alertId as string;
    const escalations = async () =>
      (await rows(t, 'SELECT escalations FROM $schema.sos_alerts WHERE id = $1', [alertId]))[0]!.escalations as number;
    assert.equal(await escalations(), 0, 'nothing before the window');
    await eventually(async () => (await escalations()) >= 2, 10_000);
    const calls = await rows(
      t,
      "SELECT recipient FROM $schema.notification_deliveries WHERE subject_id = $1 AND channel = 'call'",
      [alertId],
    );
    assert.ok(calls.length >= 2 && calls.every((c) => c.recipient === '+201000000001'), 'each round calls on-call');
    await eventually(() => sockets.find('sos:escalated', (p) => p.alertId === alertId).length >= 1);

    const ack = await t.api('POST', `/api/v1/admin/sos/${alertId}/acknowledge`, { token: admin.accessToken });
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    assert.equal(ack.body.data.status, 'acknowledged');
    assert.ok(ack.body.data.channels.some((c: { channel: string }) => c.channel === 'socket'));
    const atAck = await escalations();
    await sleep(1_000); // > 3 repeat intervals
    assert.ok((await escalations()) <= atAck + 1, 'at most a round already in flight; then it stops');
    const settled = await escalations();
    await sleep(700);
    assert.equal(await escalations(), settled);
    const again = await t.api('POST', `/api/v1/admin/sos/${alertId}/acknowledge`, { token: admin.accessToken });
    assert.equal(again.status, 200, 'acknowledging twice is harmless');
    const resolved = await t.api('POST', `/api/v1/admin/sos/${alertId}/resolve`, { token: admin.accessToken });
    assert.equal(resolved.body.data.status, 'resolved');
    assert.equal(
      (await t.api('POST', `/api/v1/admin/sos/${alertId}/acknowledge`, { token: admin.accessToken })).status,
      409,
    );
  });

  test('owner and admins see an alert; anyone else gets 404; riders cannot acknowledge', async () => {
    const rider = await t.signup('rider');
    const other = await t.signup('rider');
    const alertId = (await sos(rider, HERE)).body.data.alertId as string;
    assert.equal((await t.api('GET', `/api/v1/sos/${alertId}`, { token: rider.accessToken })).status, 200);
    assert.equal((await t.api('GET', `/api/v1/sos/${alertId}`, { token: admin.accessToken })).status, 200);
    assert.equal((await t.api('GET', `/api/v1/sos/${alertId}`, { token: other.accessToken })).status, 404);
    assert.equal(
      (await t.api('POST', `/api/v1/admin/sos/${alertId}/acknowledge`, { token: rider.accessToken })).status,
      403,
    );
    assert.equal((await sos(rider, { lat: 0, lng: 0 })).status, 400);
  });

  test('pressing SOS repeatedly (10 at once) keeps one open alert', async () => {
    const rider = await t.signup('rider');
    const results = await Promise.all(Array.from({ length: 10 }, () => sos(rider, HERE)));
    assert.ok(results.every((r) => r.status === 201));
    assert.equal(new Set(results.map((r) => r.body.data.alertId)).size, 1);
    const open = await rows(
      t,
      "SELECT count(*)::int AS n FROM $schema.sos_alerts WHERE user_id = $1 AND status = 'open'",
      [rider.id],
    );
    assert.equal(open[0]!.n, 1);
  });

  test("while active, the user's live position goes to the admin room every interval", async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const alertId = (await sos(rider, { ...HERE, tripId: trip.id })).body.data.alertId as string;
    await eventually(() => sockets.find('sos:location', (p) => p.alertId === alertId).length >= 2);
    const first = sockets.find('sos:location', (p) => p.alertId === alertId)[0]!;
    assert.equal(first.payload.source, 'last_known');
    assert.equal(first.payload.lat, HERE.lat);
    // The driver's phone streams the car's position: from then on it is live.
    const moved = { lat: 30.0555, lng: 31.2444 };
    const upd = await t.api('POST', '/api/v1/location/update', {
      token: driver.accessToken,
      body: { ...moved, accuracy: 5, timestamp: Date.now() },
    });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    const live = await eventually(
      () => sockets.find('sos:location', (p) => p.alertId === alertId && p.source === 'live')[0],
    );
    assert.deepEqual([live.payload.lat, live.payload.lng, live.payload.tripId], [moved.lat, moved.lng, trip.id]);
    const stamps = sockets.find('sos:location', (p) => p.alertId === alertId).map((e) => e.at);
    const gaps = stamps.slice(1).map((s, i) => s - stamps[i]!);
    assert.ok(
      gaps.every((g) => g > 100),
      `roughly every interval, got ${gaps.join(',')}`,
    );
  });
});
