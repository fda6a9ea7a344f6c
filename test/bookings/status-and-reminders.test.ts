import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate } from '../../src/modules/notifications/templates/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { bookingReminderTask, reminderJobKey } from '../../src/modules/bookings/index.js';
import { book, bookingBody, provider, HOUR_MS } from './fixtures.js';

describe('bookings: status moves, events, notifications, reminders', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('bookings_status', { DB_POOL_MAX: '8' }); // the test server is shared: stay small
  });
  after(async () => t.close());

  const templatesOf = async (userId: string) =>
    (
      await t.platform.database.pool.query(
        `SELECT template FROM "${t.schema}".notifications WHERE user_id = $1 ORDER BY created_at, template`,
        [userId],
      )
    ).rows.map((r) => r.template);
  const move = (token: string, id: string, status: string) =>
    t.api('POST', `/api/v1/bookings/${id}/status`, { token, body: { status } });

  test('provider confirms, starts, completes; events and notifications follow', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const b = await book(t, rider, p.id);
    assert.equal((await move(rider.accessToken, b.id, 'confirmed')).status, 403, 'the customer cannot confirm');
    const confirmed = await move(p.accessToken, b.id, 'confirmed');
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.body.data.status, 'confirmed');
    assert.equal((await move(p.accessToken, b.id, 'confirmed')).status, 200, 'repeating a done move is harmless');
    assert.equal((await move(p.accessToken, b.id, 'completed')).status, 409, 'cannot skip in_progress');
    assert.equal((await move(p.accessToken, b.id, 'in_progress')).body.data.status, 'in_progress');
    assert.equal(
      (await move(rider.accessToken, b.id, 'cancelled')).status,
      409,
      'customer cannot cancel work under way',
    );
    assert.equal((await move(p.accessToken, b.id, 'completed')).body.data.status, 'completed');

    const events = await t.platform.database.pool.query(
      `SELECT type, seq, payload FROM "${t.schema}".events WHERE aggregate_id = $1 ORDER BY seq`,
      [b.id],
    );
    assert.deepEqual(
      events.rows.map((r) => [r.seq, r.type, r.payload.to ?? null]),
      [
        [1, 'booking.created', null],
        [2, 'booking.status_changed', 'confirmed'],
        [3, 'booking.status_changed', 'in_progress'],
        [4, 'booking.status_changed', 'completed'],
      ],
    );
    assert.deepEqual(await templatesOf(rider.id), [
      'booking_created',
      'booking_confirmed',
      'booking_started',
      'booking_completed',
    ]);
    assert.deepEqual(await templatesOf(p.id), ['booking_requested', 'booking_confirmed']);
    const confirmedNote = await t.platform.database.pool.query(
      `SELECT data FROM "${t.schema}".notifications WHERE user_id = $1 AND template = 'booking_confirmed'`,
      [rider.id],
    );
    const data = confirmedNote.rows[0].data;
    assert.equal(data.serviceType, 'oil_change');
    // The push/SMS text is written from that data in the rider's language.
    const text = renderTemplate('booking_confirmed', data, 'en');
    assert.equal(text.title, 'Booking confirmed');
    assert.match(text.body, /^oil_change on .+ is confirmed\.$/);
  });

  test('either party cancels an open booking; the other one is told', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const b1 = await book(t, rider, p.id);
    const byProvider = await t.api('POST', `/api/v1/bookings/${b1.id}/status`, {
      token: p.accessToken,
      body: { status: 'cancelled', reason: 'sick' },
    });
    assert.equal(byProvider.body.data.status, 'cancelled');
    assert.deepEqual(
      (await templatesOf(rider.id)).filter((x) => x === 'booking_cancelled'),
      ['booking_cancelled'],
    );
    assert.ok(!(await templatesOf(p.id)).includes('booking_cancelled'), 'the canceller is not notified');
    assert.equal((await move(p.accessToken, b1.id, 'confirmed')).status, 409, 'cancelled is final');
  });

  test('the reminder is a job keyed by booking, 1 h before start', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const b = await book(t, rider, p.id);
    const jobs = await t.platform.database.pool.query(
      `SELECT task_identifier, run_at FROM "${t.schema}_jobs".jobs WHERE key = $1`,
      [reminderJobKey(b.id)],
    );
    assert.equal(jobs.rows.length, 1);
    assert.equal(jobs.rows[0].task_identifier, 'bookings.remind');
    assert.equal(jobs.rows[0].run_at.getTime(), Date.parse(b.startsAt) - HOUR_MS);
  });

  test('a booking starting within the hour gets no (pointless) reminder', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const start = Date.now() + 30 * 60_000;
    const res = await t.api('POST', '/api/v1/bookings', {
      token: rider.accessToken,
      body: bookingBody(p.id, {
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + HOUR_MS).toISOString(),
      }),
    });
    assert.equal(res.status, 201);
    const jobs = await t.platform.database.pool.query(`SELECT 1 FROM "${t.schema}_jobs".jobs WHERE key = $1`, [
      reminderJobKey(res.body.data.id),
    ]);
    assert.equal(jobs.rows.length, 0);
  });

  test('when reminders run: open bookings notify both parties; cancelled and deleted ones do nothing', async () => {
    const p = await provider(t);
    const [a, b, c] = [await t.signup('rider'), await t.signup('rider'), await t.signup('rider')];
    const open = await book(t, a, p.id);
    const cancelled = await book(t, b, p.id);
    const deleted = await book(t, c, p.id);
    await move(p.accessToken, open.id, 'confirmed');
    await move(b.accessToken, cancelled.id, 'cancelled');
    await t.api('DELETE', `/api/v1/bookings/${deleted.id}`, { token: c.accessToken });
    // Bring the three scheduled reminders forward to now (same job key replaces the job).
    const db = t.platform.database.db;
    for (const id of [open.id, cancelled.id, deleted.id]) {
      await t.platform.jobs.enqueue(
        db,
        bookingReminderTask,
        { bookingId: id },
        { jobKey: reminderJobKey(id), runAt: new Date() },
      );
    }
    const keys = [open, cancelled, deleted].map((x) => reminderJobKey(x.id));
    const before = await t.platform.database.pool.query(
      `SELECT count(*)::int AS n FROM "${t.schema}_jobs".jobs WHERE key = ANY($1)`,
      [keys],
    );
    assert.equal(before.rows[0].n, 3, 'one job per booking, not duplicates');
    await t.platform.jobs.start();
    const deadline = Date.now() + 60_000; // generous: the whole test run shares the machine
    let left: Array<{ key: string; attempts: number; last_error: string | null }>;
    do {
      await sleep(100);
      left = (
        await t.platform.database.pool.query(
          `SELECT key, attempts, last_error FROM "${t.schema}_jobs".jobs WHERE key = ANY($1)`,
          [keys],
        )
      ).rows;
    } while (left.length > 0 && Date.now() < deadline);
    assert.deepEqual(left, [], 'every reminder ran');
    const reminders = await t.platform.database.pool.query(
      `SELECT user_id, data->>'bookingId' AS booking FROM "${t.schema}".notifications WHERE template = ` +
        `'booking_reminder'`,
    );
    assert.deepEqual(
      reminders.rows.map((r) => [r.booking, r.user_id]).sort(),
      [
        [open.id, a.id],
        [open.id, p.id],
      ].sort(),
    );
    const dead = await t.count('dead_letters');
    assert.equal(dead, 0);
  });
});
