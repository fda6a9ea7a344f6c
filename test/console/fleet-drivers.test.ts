/**
 * Issue 19 points 4–6 through the API, the driver side: rejection with a reason the driver reads, the per-driver
 * day, and a driver's fraud flags and reports. Roles enforced: finance gets 403. Trips and SOS: fleet-admin.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { query } from '../support/fixtures.js';
import { completedTrip } from '../trust/support.js';
import { startFleetAdminApp } from './support.js';

describe('console fleet API: drivers', () => {
  let t: TestApp;
  let dispatcher: TestUser;
  let finance: TestUser;

  before(async () => {
    ({ t, dispatcher, finance } = await startFleetAdminApp('console_fleet_drivers'));
  });
  after(async () => t.close());

  const get = (user: TestUser, path: string) => t.api('GET', path, { token: user.accessToken });

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
});
