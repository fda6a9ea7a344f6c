import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { book, provider } from '../bookings/fixtures.js';
import { acceptedTrip } from '../support/fixtures.js';
import { startErasureApp, userRow } from './erasure-support.js';

/** What DELETE /me erases and what it keeps. When it is refused: erasure-refused.test.ts. */
describe('GDPR erasure: DELETE /me', () => {
  let t: TestApp;
  before(async () => {
    t = await startErasureApp('erasure');
  });
  after(async () => t.close());

  /** Positions reach Postgres in the background flush (≤ LOCATION_FLUSH_INTERVAL_MS). */
  async function eventuallyFlushed(count: () => Promise<number>) {
    for (let i = 0; i < 50 && (await count()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok((await count()) > 0, 'the position was flushed before erasure');
  }

  async function completedTrip(rider: TestUser, driver: TestUser) {
    const trip = await acceptedTrip(t, rider, driver);
    const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
    for (const body of [{ status: 'arrived' }, { status: 'started', otp }, { status: 'completed' }]) {
      const res = await t.api('POST', `/api/v1/trips/${trip.id}/status`, { token: driver.accessToken, body });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    return trip.id;
  }

  test('anonymises the rider, revokes sessions, keeps trips and bookings with intact foreign keys', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const tripId = await completedTrip(rider, driver);
    const p = await provider(t);
    const done = await book(t, rider, p.id);
    for (const status of ['confirmed', 'in_progress', 'completed']) {
      await t.api('POST', `/api/v1/bookings/${done.id}/status`, { token: p.accessToken, body: { status } });
    }
    const open = await book(t, rider, p.id);
    const tripsBefore = await t.count('trips');

    const res = await t.api('DELETE', '/api/v1/me', { token: rider.accessToken, body: { password: 'password-123' } });
    assert.equal(res.status, 204, JSON.stringify(res.body));

    const row = await userRow(t, rider.id);
    assert.equal(row.name, 'Deleted user');
    assert.match(row.phone, /^\+deleted-[0-9a-f-]{36}$/);
    assert.notEqual(row.phone, rider.phone);
    assert.match(row.password_hash, /^\$argon2/, 'a real hash of an unknown secret, so login code never chokes on it');
    assert.equal((await t.api('GET', '/api/v1/me', { token: rider.accessToken })).status, 401, 'access token dead');
    assert.equal(
      (await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: rider.refreshToken } })).status,
      401,
      'refresh token dead',
    );
    assert.equal(
      (await t.api('POST', '/api/v1/auth/login', { body: { phone: rider.phone, password: 'password-123' } })).status,
      401,
    );
    const again = await t.api('POST', '/api/v1/auth/signup', {
      body: { phone: rider.phone, password: 'password-123', name: 'New person', role: 'rider' },
    });
    assert.equal(again.status, 201, 'the phone number is free for a new account');

    assert.equal(await t.count('trips'), tripsBefore, 'trip rows stay');
    const driverView = await t.api('GET', `/api/v1/trips/${tripId}`, { token: driver.accessToken });
    assert.equal(driverView.status, 200);
    assert.equal(driverView.body.data.riderId, rider.id);
    const bookings = await t.platform.database.pool.query(
      `SELECT id, status, address, notes, customer_id FROM "${t.schema}".bookings WHERE customer_id = $1 ORDER BY ` +
        `created_at`,
      [rider.id],
    );
    assert.equal(bookings.rows.length, 2);
    for (const b of bookings.rows) {
      assert.equal(b.address, '[erased]');
      assert.equal(b.notes, null);
    }
    assert.equal(bookings.rows.find((b) => b.id === open.id).status, 'cancelled');
    assert.equal(bookings.rows.find((b) => b.id === done.id).status, 'completed', 'history is kept');
    const providerNotes = await t.platform.database.pool.query(
      `SELECT count(*)::int AS n FROM "${t.schema}".notifications WHERE user_id = $1 AND template = ` +
        `'booking_cancelled'`,
      [p.id],
    );
    assert.equal(providerNotes.rows[0].n, 1, 'the provider hears about the cancelled open booking');

    const orphans = await t.platform.database.pool.query(
      `SELECT count(*)::int AS n FROM "${t.schema}".trips tr LEFT JOIN "${t.schema}".users u ON u.id = tr.rider_id ` +
        `WHERE u.id IS NULL`,
    );
    assert.equal(orphans.rows[0].n, 0);
    const audit = await t.platform.database.pool.query(
      `SELECT action, details FROM "${t.schema}".audit_log WHERE target_type = 'user' AND target_id = $1`,
      [rider.id],
    );
    assert.equal(audit.rows[0].action, 'user.erased');
    assert.equal(
      JSON.stringify(audit.rows[0].details).includes(rider.phone),
      false,
      'no personal data in the audit log',
    );
    const events = await t.platform.database.pool.query(
      `SELECT type FROM "${t.schema}".events WHERE aggregate_id = $1`,
      [rider.id],
    );
    assert.ok(events.rows.some((e) => e.type === 'user.erased'));
  });

  test(
    'personal traces elsewhere go too: contacts, devices, inbox, share links, chat words, driver ' + 'positions',
    async () => {
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const scalar = async (sql: string, id: string) =>
        (await t.platform.database.pool.query(sql.replaceAll('$schema', `"${t.schema}"`), [id])).rows[0].n as number;
      const ok = (res: { status: number; body: unknown }, status: number) =>
        assert.equal(res.status, status, JSON.stringify(res.body));
      ok(
        await t.api('PUT', '/api/v1/me/emergency-contacts', {
          token: rider.accessToken,
          body: { contacts: [{ name: 'Mona Contact', phone: '+201001234567' }] },
        }),
        200,
      );
      ok(
        await t.api('POST', '/api/v1/me/push-tokens', {
          token: rider.accessToken,
          body: { token: `device-${rider.id}`, platform: 'android' },
        }),
        201,
      );
      ok(
        await t.api('POST', '/api/v1/location/update', {
          token: driver.accessToken,
          body: { lat: 30.05, lng: 31.24, timestamp: new Date().toISOString() },
        }),
        200,
      );
      const trip = await acceptedTrip(t, rider, driver);
      ok(
        await t.api('POST', `/api/v1/trips/${trip.id}/messages`, {
          token: rider.accessToken,
          body: { text: 'I am at the blue gate, flat 12', clientMessageId: 'm1' },
        }),
        201,
      );
      ok(await t.api('POST', `/api/v1/trips/${trip.id}/share`, { token: rider.accessToken }), 201);
      await t.platform.database.pool.query(
        `INSERT INTO "${t.schema}".notifications (user_id, template, priority) VALUES ($1, 'trip_accepted', 'HIGH')`,
        [driver.id],
      );
      ok(
        await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
          token: rider.accessToken,
          body: { reason: 'changed plans' },
        }),
        200,
      );
      await eventuallyFlushed(() =>
        scalar(`SELECT count(*)::int AS n FROM $schema.driver_locations WHERE driver_id = $1`, driver.id),
      );

      ok(await t.api('DELETE', '/api/v1/me', { token: rider.accessToken, body: { password: 'password-123' } }), 204);
      assert.equal(
        await scalar(`SELECT count(*)::int AS n FROM $schema.emergency_contacts WHERE user_id = $1`, rider.id),
        0,
      );
      assert.equal(await scalar(`SELECT count(*)::int AS n FROM $schema.push_devices WHERE user_id = $1`, rider.id), 0);
      assert.equal(
        await scalar(`SELECT count(*)::int AS n FROM $schema.notifications WHERE user_id = $1`, rider.id),
        0,
      );
      assert.equal(
        await scalar(
          `SELECT count(*)::int AS n FROM $schema.trip_shares WHERE created_by = $1 AND revoked_at IS NULL`,
          rider.id,
        ),
        0,
      );
      assert.equal(
        await scalar(
          `SELECT count(*)::int AS n FROM $schema.chat_messages WHERE sender_id = $1 AND text <> '[erased]'`,
          rider.id,
        ),
        0,
      );
      assert.equal(
        await scalar(`SELECT count(*)::int AS n FROM $schema.chat_messages WHERE sender_id = $1`, rider.id),
        1,
        'the thread keeps its shape',
      );

      ok(await t.api('DELETE', '/api/v1/me', { token: driver.accessToken, body: { password: 'password-123' } }), 204);
      assert.equal(
        await scalar(`SELECT count(*)::int AS n FROM $schema.driver_locations WHERE driver_id = $1`, driver.id),
        0,
      );
      assert.equal(
        await scalar(`SELECT count(*)::int AS n FROM $schema.location_history WHERE driver_id = $1`, driver.id),
        0,
      );
      assert.equal(
        await scalar(`SELECT count(*)::int AS n FROM $schema.notifications WHERE user_id = $1`, driver.id),
        0,
      );
    },
  );

  test('an erased provider is no longer bookable and goes offline', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    assert.equal(
      (await t.api('DELETE', '/api/v1/me', { token: p.accessToken, body: { password: 'password-123' } })).status,
      204,
    );
    const res = await t.api('POST', '/api/v1/bookings', {
      token: rider.accessToken,
      body: {
        providerId: p.id,
        serviceType: 'oil_change',
        startsAt: new Date(Date.now() + 48 * 3600_000).toISOString(),
        endsAt: new Date(Date.now() + 49 * 3600_000).toISOString(),
        address: 'x',
      },
    });
    assert.equal(res.status, 404);
  });
});
