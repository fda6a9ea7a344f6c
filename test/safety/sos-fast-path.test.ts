import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { FakeHttpProvider, FakeSmtp, eventually } from '../notifications/fakes.js';
import { RecordingEmitter } from '../notifications/recorder.js';
import { rows } from './trips.js';

const HERE = { lat: 30.0501, lng: 31.2402 };
const ESCALATION_MS = 1_500;
const MAIN_POOL = 6;
/** socket (admins), push (on-call topic), SMS + email to the one contact, SMS + email to on-call. */
const CHANNELS_PER_ALERT = 6;

describe('SOS fast path (issue 25)', () => {
  let t: TestApp;
  let http: FakeHttpProvider;
  let smtp: FakeSmtp;
  let sockets: RecordingEmitter;
  const jobs = () => `"${t.schema}_jobs"`;

  before(async () => {
    http = await FakeHttpProvider.start();
    http.mode = 'fail'; // push, SMS and voice are down
    smtp = await FakeSmtp.start();
    smtp.failWith = { code: 421, message: 'service not available' }; // and so is email
    t = await startTestApp('sos_fast', {
      PUSH_URL: http.url,
      SMS_URL: http.url,
      VOICE_URL: http.url,
      SMTP_URL: smtp.url,
      ONCALL_PHONE: '+201000000001',
      ONCALL_EMAIL: 'oncall@smartline.test',
      SOS_ESCALATION_MS: String(ESCALATION_MS),
      SOS_ESCALATION_MAX: '1',
      DB_POOL_MAX: String(MAIN_POOL),
      DB_SAFETY_POOL_SIZE: '2',
      JOBS_CONCURRENCY: '4',
    });
    sockets = new RecordingEmitter();
    t.platform.realtime.attach(sockets);
    // The job worker starts in the third test: the first two look at what the request alone wrote.
  });
  after(async () => {
    await t.close();
    await http.close();
    await smtp.close();
  });

  const sos = (user: TestUser, headers: Record<string, string> = {}) =>
    t.api('POST', '/api/v1/sos', { token: user.accessToken, body: HERE, headers });
  const riderWithContact = async () => {
    const rider = await t.signup('rider');
    const res = await t.api('PUT', '/api/v1/me/emergency-contacts', {
      token: rider.accessToken,
      body: [{ name: 'Mona', phone: '01001234567', email: 'mona@example.com' }],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return rider;
  };
  const jobsOf = (alertId: string) =>
    rows<{ task: string; run_at: Date; priority: number }>(
      t,
      `SELECT t.identifier AS task, j.run_at, j.priority FROM ${jobs()}._private_jobs j
       JOIN ${jobs()}._private_tasks t ON t.id = j.task_id WHERE j.payload->>'alertId' = $1 ORDER BY t.identifier`,
      [alertId],
    );

  test('the 201 comes after one write: the alert and its fan-out and escalation jobs exist, nothing else was sent or queued', async () => {
    const rider = await riderWithContact();
    const res = await sos(rider);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const alertId = res.body.data.alertId as string;
    const [alert] = await rows<{ status: string; created_at: Date }>(
      t,
      'SELECT status, created_at FROM $schema.sos_alerts WHERE id = $1',
      [alertId],
    );
    assert.equal(alert?.status, 'open');
    const queued = await jobsOf(alertId);
    assert.deepEqual(
      queued.map((j) => j.task),
      ['safety.sos_escalate', 'safety.sos_fan_out'],
    );
    assert.ok(
      queued.every((j) => j.priority < 0),
      'both CRITICAL',
    );
    const escalate = queued.find((j) => j.task === 'safety.sos_escalate')!;
    assert.equal(
      escalate.run_at.getTime() - alert!.created_at.getTime(),
      ESCALATION_MS,
      'the timer starts at the write',
    );
    const deliveries = await rows(t, 'SELECT 1 FROM $schema.notification_deliveries WHERE subject_id = $1', [alertId]);
    assert.equal(deliveries.length, 0, 'no channel is touched on the request path');
    assert.equal(sockets.find('sos:alert', (p) => p.alertId === alertId).length, 0);
  });

  test('with every main-pool connection held by other work, SOS over HTTP (with an Idempotency-Key) and over the socket is still acknowledged', async () => {
    const rider = await t.signup('rider'); // a fresh session: its check misses the cache and reads the database
    const other = await t.signup('rider');
    const socket = await t.connectSocket(other.accessToken);
    const pool = t.platform.database.pool;
    const held: pg.PoolClient[] = [];
    try {
      while (held.length < MAIN_POOL) held.push(await pool.connect());
      const probe = pool.query('SELECT 1').catch(() => undefined); // waits: nothing is free
      // At least the probe waits (a background task of the app, such as a location flush, may wait beside it).
      assert.ok(pool.waitingCount >= 1, 'the main pool is saturated');

      const first = await sos(rider, { 'idempotency-key': 'sos-press-1' });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const replay = await sos(rider, { 'idempotency-key': 'sos-press-1' });
      assert.equal(replay.status, 201);
      assert.equal(replay.headers['idempotent-replay'], 'true');
      assert.equal(replay.body.data.alertId, first.body.data.alertId);
      const acked = await socket.timeout(5_000).emitWithAck('sos:trigger', HERE);
      assert.equal(acked.ok, true, JSON.stringify(acked));
      assert.ok(pool.waitingCount >= 1, 'still saturated when both were acknowledged');

      for (const c of held.splice(0)) c.release();
      await probe;
      const stored = await rows(t, 'SELECT user_id FROM $schema.sos_alerts WHERE id = ANY($1::uuid[])', [
        [first.body.data.alertId, acked.data.alertId],
      ]);
      assert.equal(stored.length, 2);
    } finally {
      for (const c of held) c.release();
    }
  });

  test('many riders pressing SOS at once: every alert fans out on each channel once and escalates once, even when its fan-out job runs again', async () => {
    await t.platform.jobs.start();
    const riders = await Promise.all(Array.from({ length: 12 }, () => riderWithContact()));
    // Each rider presses three times at once: one alert each.
    const presses = await Promise.all(riders.flatMap((r) => [sos(r), sos(r), sos(r)]));
    assert.ok(
      presses.every((p) => p.status === 201),
      JSON.stringify(presses.filter((p) => p.status !== 201)),
    );
    const alertIds = [...new Set(presses.map((p) => p.body.data.alertId as string))];
    assert.equal(alertIds.length, riders.length);

    const deliveriesBy = async (channelFilter = "dedupe_key = ''") =>
      rows<{ subject_id: string; n: number; distinct: number }>(
        t,
        `SELECT subject_id, count(*)::int AS n, count(DISTINCT (channel, recipient))::int AS distinct
         FROM $schema.notification_deliveries WHERE subject_id = ANY($1::uuid[]) AND ${channelFilter}
         GROUP BY subject_id`,
        [alertIds],
      );
    await eventually(async () => {
      const got = await deliveriesBy();
      return got.length === alertIds.length && got.every((g) => g.n === CHANNELS_PER_ALERT);
    });
    await eventually(() => alertIds.every((id) => sockets.find('sos:alert', (p) => p.alertId === id).length === 1));

    // A worker that died after committing the fan-out but before completing its job runs it again.
    for (const id of alertIds)
      await t.platform.database.pool.query(
        `SELECT ${jobs()}.add_job('safety.sos_fan_out', json_build_object('alertId', $1::text))`,
        [id],
      );
    await eventually(async () => {
      const left = await rows(
        t,
        `SELECT 1 FROM ${jobs()}._private_jobs j JOIN ${jobs()}._private_tasks t ON t.id = j.task_id
         WHERE t.identifier = 'safety.sos_fan_out'`,
      );
      return left.length === 0;
    });
    const after = await deliveriesBy();
    assert.ok(
      after.every((g) => g.n === CHANNELS_PER_ALERT && g.distinct === CHANNELS_PER_ALERT),
      JSON.stringify(after),
    );
    for (const id of alertIds)
      assert.equal(sockets.find('sos:alert', (p) => p.alertId === id).length, 1, 'the admin room heard it once');

    await eventually(async () => {
      const esc = await rows<{ escalations: number }>(
        t,
        'SELECT escalations FROM $schema.sos_alerts WHERE id = ANY($1::uuid[])',
        [alertIds],
      );
      return esc.every((e) => e.escalations === 1);
    }, 15_000);
    const calls = await deliveriesBy("channel = 'call'");
    assert.equal(calls.length, alertIds.length);
    assert.ok(
      calls.every((c) => c.n === 1),
      'one call to on-call per alert',
    );
  });
});
