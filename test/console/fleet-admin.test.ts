/**
 * Issue 19 points 4–6 through the API: trip search (id, phone, plate, time, cursor), the trace's chat, driver
 * rejection with a reason the driver reads, the per-driver day, and the SOS desk's notes, countdown and trail.
 * Roles enforced: finance gets 403 on every one of them.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { acceptedTrip, eventually, OWN_OFFERS, query } from '../support/fixtures.js';
import { completedTrip } from '../trust/support.js';
import { staffUser } from './support.js';

describe('console fleet API', () => {
  let t: TestApp;
  let dispatcher: TestUser;
  let support: TestUser;
  let finance: TestUser;

  before(async () => {
    t = await startTestApp('console_fleet', {
      ...OWN_OFFERS,
      SOS_ESCALATION_MS: '60000',
      SOS_ESCALATION_REPEAT_MS: '60000',
      SOS_TRACK_INTERVAL_MS: '200',
    });
    await t.platform.jobs.start();
    [dispatcher, support, finance] = await Promise.all([
      staffUser(t, ['dispatcher']),
      staffUser(t, ['support']),
      staffUser(t, ['finance']),
    ]);
  });
  after(async () => t.close());

  const get = (user: TestUser, path: string) => t.api('GET', path, { token: user.accessToken });

  test('trip search finds a trip by id, by rider or driver phone, by plate (any spacing/case) and by time window', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const plate = `SRCH ${Date.now() % 100_000}`;
    await query(
      t,
      `UPDATE $schema.driver_profiles SET vehicle = vehicle || jsonb_build_object('plate', $2::text) WHERE user_id = $1`,
      [driver.id, plate],
    );
    const tripId = await completedTrip(t, rider, driver);
    const ids = async (q: string) => {
      const res = await get(support, `/api/v1/admin/trips?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data.map((x: { id: string }) => x.id);
    };
    assert.deepEqual(await ids(tripId), [tripId]);
    assert.deepEqual(await ids(rider.phone), [tripId]);
    assert.deepEqual(await ids(driver.phone), [tripId]);
    assert.deepEqual(await ids(plate.toLowerCase().replace(' ', '')), [tripId]);
    assert.deepEqual(await ids('NO SUCH PLATE'), []);
    const from = new Date(Date.now() - 60_000).toISOString();
    const window = await get(dispatcher, `/api/v1/admin/trips?from=${from}&limit=100`);
    assert.ok(window.body.data.some((x: { id: string }) => x.id === tripId));
    const past = await get(dispatcher, `/api/v1/admin/trips?to=${encodeURIComponent('2020-01-01T00:00:00Z')}`);
    assert.deepEqual(past.body.data, []);
    const bad = await get(
      dispatcher,
      `/api/v1/admin/trips?from=${from}&to=${encodeURIComponent('2020-01-01T00:00:00Z')}`,
    );
    assert.equal(bad.status, 400);
    assert.equal((await get(finance, `/api/v1/admin/trips?q=${tripId}`)).status, 403);
  });

  test('trip search pages newest first with a cursor, each trip once', async () => {
    const rider = await t.signup('rider');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const driver = await t.driver();
      made.unshift(await completedTrip(t, rider, driver));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: Array<{ id: string }>; meta?: { nextCursor?: string | null } } } = await get(
        dispatcher,
        `/api/v1/admin/trips?q=${encodeURIComponent(rider.phone)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.data.map((x) => x.id));
      cursor = res.body.meta?.nextCursor ?? null;
    } while (cursor);
    assert.deepEqual(seen, made);
  });

  test("the trace shows the trip's chat, oldest first, to support", async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    for (const [user, text] of [
      [rider, 'I am at the gate'],
      [driver, 'two minutes away'],
    ] as const) {
      const res = await t.api('POST', `/api/v1/trips/${trip.id}/messages`, {
        token: user.accessToken,
        body: { text, clientMessageId: `${user.id}-1` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const trace = await get(support, `/api/v1/admin/trips/${trip.id}/trace`);
    assert.equal(trace.status, 200);
    assert.deepEqual(
      trace.body.data.chat.map((m: { from: string; text: string }) => [m.from, m.text]),
      [
        [rider.id, 'I am at the gate'],
        [driver.id, 'two minutes away'],
      ],
    );
  });

  test('a rejected driver reads the reason on their profile, leaves the queue, and a new profile puts them back', async () => {
    const driver = await t.driver({ approved: false });
    const pendingIds = async () =>
      (await get(dispatcher, '/api/v1/admin/drivers/pending?limit=200')).body.data.map(
        (p: { userId: string }) => p.userId,
      );
    assert.ok((await pendingIds()).includes(driver.id));
    const url = `/api/v1/admin/drivers/${driver.id}/reject`;
    for (const body of [{}, { reason: '' }, { reason: 'x'.repeat(501) }, { reason: 'blurry licence', extra: 1 }]) {
      const res = await t.api('POST', url, { token: dispatcher.accessToken, body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal((await t.api('POST', url, { token: finance.accessToken, body: { reason: 'nope' } })).status, 403);
    const rejected = await t.api('POST', url, {
      token: dispatcher.accessToken,
      body: { reason: 'Licence photo is blurry' },
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    const mine = await get(driver, '/api/v1/drivers/me/profile');
    assert.equal(mine.status, 200);
    assert.equal(mine.body.data.approved, false);
    assert.equal(mine.body.data.rejectionReason, 'Licence photo is blurry');
    assert.ok(mine.body.data.rejectedAt);
    assert.ok(!(await pendingIds()).includes(driver.id));
    const online = await t.api('POST', '/api/v1/drivers/me/availability', {
      token: driver.accessToken,
      body: { available: true },
    });
    assert.equal(online.status, 403);
    const again = await t.api('POST', '/api/v1/drivers/me/profile', {
      token: driver.accessToken,
      body: { vehicleClass: 'economy', vehicle: { make: 'Kia', model: 'Rio', plate: 'NEW 1', color: 'red' } },
    });
    assert.equal(again.status, 201);
    assert.equal((await get(driver, '/api/v1/drivers/me/profile')).body.data.rejectionReason, null);
    assert.ok((await pendingIds()).includes(driver.id));
    assert.equal(
      (
        await t.api('POST', `/api/v1/admin/drivers/${driver.id}/reject`, {
          token: dispatcher.accessToken,
          body: { reason: 'no such' },
        })
      ).status,
      200,
    );
    const rider = await t.signup('rider');
    const notDriver = await t.api('POST', `/api/v1/admin/drivers/${rider.id}/reject`, {
      token: dispatcher.accessToken,
      body: { reason: 'not a driver' },
    });
    assert.equal(notDriver.status, 404);
  });

  test("a driver's day: trips completed, net earnings, acceptance and online time from stored fixes", async () => {
    const driver = await t.driver();
    const rider = await t.signup('rider');
    await completedTrip(t, rider, driver);
    // One offer declined on top of the accepted one: acceptance 1/2.
    const other = await t.signup('rider');
    const declined = await t.api('POST', '/api/v1/trips', {
      token: other.accessToken,
      body: {
        pickup: { lat: 30.05, lng: 31.24 },
        dropoff: { lat: 30.06, lng: 31.25 },
        vehicleClass: 'economy',
        paymentMethod: 'cash',
      },
    });
    assert.equal(declined.status, 201);
    await query(t, `UPDATE $schema.driver_profiles SET state = 'available', cooldown_until = NULL WHERE user_id = $1`, [
      driver.id,
    ]);
    const { offerTrip } = await import('../../src/modules/trips/index.js');
    await offerTrip(t.platform.database.db, {
      tripId: declined.body.data.id,
      driverIds: [driver.id],
      round: 1,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const no = await t.api('POST', `/api/v1/trips/${declined.body.data.id}/driver-response`, {
      token: driver.accessToken,
      body: { action: 'decline' },
    });
    assert.equal(no.status, 200, JSON.stringify(no.body));
    // Fixes 20 s apart for a minute, then silence and one more fix 5 min later: 60 s online, not 6 min. They
    // start 7 min ago, or at the report day's start when that is later (just after midnight in REPORT_TIME_ZONE
    // the day is younger than 7 min; fixes before it belong to yesterday).
    const { reportDayOf } = await import('../../src/modules/payments/index.js');
    const day = await reportDayOf(t.platform.database.db);
    const base = Math.max(day.from.getTime(), Date.now() - 7 * 60_000);
    for (const offsetS of [0, 20, 40, 60, 360])
      await query(
        t,
        `INSERT INTO $schema.location_history (driver_id, recorded_at, lat, lng) VALUES ($1, $2, 30.05, 31.24)`,
        [driver.id, new Date(base + offsetS * 1000)],
      );
    const res = await get(dispatcher, `/api/v1/admin/drivers/${driver.id}/overview`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const { driver: who, today } = res.body.data;
    assert.equal(who.userId, driver.id);
    assert.equal(who.phone, driver.phone);
    assert.equal(who.vehicle.make, 'Toyota');
    const [settled] = await query<{ driver_share: string }>(
      t,
      `SELECT driver_share FROM $schema.trip_settlements WHERE driver_id = $1`,
      [driver.id],
    );
    assert.equal(today.tripsCompleted, 1);
    assert.equal(today.earnings.amount, Number(settled!.driver_share));
    assert.ok(today.earnings.amount > 0);
    assert.deepEqual([today.offersAnswered, today.offersAccepted, today.acceptance], [2, 1, 0.5]);
    assert.ok(today.onlineSeconds >= 60 && today.onlineSeconds < 120, `online ${today.onlineSeconds}`);
    assert.equal((await get(finance, `/api/v1/admin/drivers/${driver.id}/overview`)).status, 403);
    assert.equal((await get(dispatcher, `/api/v1/admin/drivers/${rider.id}/overview`)).status, 404);
  });

  test("a driver's fraud flags and the reports about them are listed by driver", async () => {
    const driver = await t.driver();
    const rider = await t.signup('rider');
    const tripId = await completedTrip(t, rider, driver);
    const report = await t.api('POST', `/api/v1/trips/${tripId}/report`, {
      token: rider.accessToken,
      body: { category: 'unsafe_driving', text: 'ran two red lights' },
    });
    assert.equal(report.status, 201, JSON.stringify(report.body));
    await query(
      t,
      `INSERT INTO $schema.fraud_flags (driver_id, reason, suspicious_fixes) VALUES ($1, 'mock_location', 3)`,
      [driver.id],
    );
    const flags = await get(dispatcher, `/api/v1/admin/fraud-flags?driverId=${driver.id}`);
    assert.deepEqual(
      flags.body.data.map((f: { driverId: string; reason: string }) => [f.driverId, f.reason]),
      [[driver.id, 'mock_location']],
    );
    const reports = await get(dispatcher, `/api/v1/admin/reports/users?reportedId=${driver.id}`);
    assert.deepEqual(
      reports.body.data.map((r: { text: string }) => r.text),
      ['ran two red lights'],
    );
    assert.deepEqual((await get(dispatcher, `/api/v1/admin/reports/users?reportedId=${rider.id}`)).body.data, []);
  });

  test('SOS desk: countdown to escalation, acknowledge and resolve with notes, the live trail', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const raised = await t.api('POST', '/api/v1/sos', {
      token: rider.accessToken,
      body: { lat: 30.05, lng: 31.24, tripId: trip.id },
    });
    const alertId = raised.body.data.alertId as string;
    const open = (await get(dispatcher, `/api/v1/sos/${alertId}`)).body.data;
    const due = Date.parse(open.nextEscalationAt) - Date.parse(open.createdAt);
    assert.equal(due, 60_000);
    await t.api('POST', '/api/v1/location/update', {
      token: driver.accessToken,
      body: { lat: 30.0505, lng: 31.2405, timestamp: Date.now() },
    });
    const trail = await eventually(async () => {
      const res = await get(dispatcher, `/api/v1/admin/sos/${alertId}/trail`);
      return res.body.data.length >= 2 ? res.body.data : null;
    });
    assert.deepEqual([trail[0].lat, trail[0].lng], [30.05, 31.24]);
    assert.deepEqual([trail.at(-1).lat, trail.at(-1).lng], [30.0505, 31.2405]);
    const move = (action: string, body: unknown, user = dispatcher) =>
      t.api('POST', `/api/v1/admin/sos/${alertId}/${action}`, { token: user.accessToken, body });
    assert.equal((await move('acknowledge', { note: 'x'.repeat(501) })).status, 400);
    assert.equal((await move('acknowledge', { note: 'calling' }, finance)).status, 403);
    const ack = await move('acknowledge', { note: 'Called the rider, driver stopped' });
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    assert.equal(ack.body.data.acknowledgeNote, 'Called the rider, driver stopped');
    assert.equal(ack.body.data.acknowledgedBy, dispatcher.id);
    assert.equal(ack.body.data.nextEscalationAt, null);
    const resolved = await move('resolve', { note: 'Rider home safe' });
    assert.equal(resolved.body.data.status, 'resolved');
    assert.equal(resolved.body.data.resolveNote, 'Rider home safe');
    assert.equal((await get(finance, `/api/v1/admin/sos/${alertId}/trail`)).status, 403);
    // Without a body (older clients) both still work.
    const other = await t.api('POST', '/api/v1/sos', {
      token: (await t.signup('rider')).accessToken,
      body: { lat: 30.05, lng: 31.24 },
    });
    const bare = await t.api('POST', `/api/v1/admin/sos/${other.body.data.alertId}/acknowledge`, {
      token: dispatcher.accessToken,
    });
    assert.equal(bare.status, 200);
    assert.equal(bare.body.data.acknowledgeNote, null);
  });
});
