/**
 * Who may move a trip where, what cancelling costs, and listing. The search timeout job has its own file:
 * trip-search-timeout.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { OWN_OFFERS, acceptedTrip, offer, query, requestTrip } from '../support/fixtures.js';

describe('trip rules', () => {
  let t: TestApp;
  let admin: TestUser;
  before(async () => {
    t = await startTestApp('trip_rules', { ...OWN_OFFERS, DB_POOL_MAX: '5' });
    admin = await t.admin();
  });
  after(async () => t.close());

  const setStatus = (user: TestUser, tripId: string, body: object) =>
    t.api('POST', `/api/v1/trips/${tripId}/status`, { token: user.accessToken, body });
  const cancel = (user: TestUser, tripId: string, reason = 'changed my mind') =>
    t.api('POST', `/api/v1/trips/${tripId}/cancel`, { token: user.accessToken, body: { reason } });
  const driverState = async (driver: TestUser) =>
    (await query<{ state: string }>(t, 'SELECT state FROM $schema.driver_profiles WHERE user_id = $1', [driver.id]))[0]!
      .state;
  const otpOf = async (rider: TestUser, tripId: string) =>
    (await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken })).body.data.otp as string;

  test('only the assigned driver moves the trip: rider/admin 403, strangers 404, bad transitions 409', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const otherDriver = await t.driver();
    const stranger = await t.signup('rider');
    const trip = await acceptedTrip(t, rider, driver);

    for (const [who, status, code] of [
      [rider, 403, 'FORBIDDEN'],
      [admin, 403, 'FORBIDDEN'],
      [stranger, 404, 'NOT_FOUND'],
      [otherDriver, 404, 'NOT_FOUND'],
    ] as const) {
      const res = await setStatus(who, trip.id, { status: 'arrived' });
      assert.equal(res.status, status, `${who.role}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code);
    }
    assert.equal(
      (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: stranger.accessToken })).status,
      404,
      'strangers cannot even see it',
    );

    for (const to of ['completed', 'started']) {
      const skip = await setStatus(driver, trip.id, { status: to, otp: await otpOf(rider, trip.id) });
      assert.equal(skip.status, 409, `accepted → ${to}`);
      assert.equal(skip.body.error.code, 'CONFLICT');
    }
    const arrived = await setStatus(driver, trip.id, { status: 'arrived' });
    assert.equal(arrived.status, 200);
    const again = await setStatus(driver, trip.id, { status: 'arrived' });
    assert.equal(again.status, 200, 'repeating the step already taken is harmless');
    assert.equal(again.body.data.version, arrived.body.data.version);

    const noOtp = await setStatus(driver, trip.id, { status: 'started' });
    assert.equal(noOtp.status, 422);
    assert.equal(noOtp.body.error.code, 'INVALID_OTP');
    const started = await setStatus(driver, trip.id, { status: 'started', otp: await otpOf(rider, trip.id) });
    assert.equal(started.status, 200);
    assert.equal(await otpOf(rider, trip.id), undefined, 'the OTP disappears once the ride started');
    const back = await setStatus(driver, trip.id, { status: 'arrived' });
    assert.equal(back.status, 409, 'no going back');
    const done = await setStatus(driver, trip.id, { status: 'completed' });
    assert.equal(done.status, 200);
    assert.equal(done.body.data.status, 'completed');
    assert.equal((await cancel(rider, trip.id)).status, 409, 'a completed trip cannot be cancelled');
    assert.equal((await cancel(admin, trip.id)).status, 409);
  });

  test('rider cancels while searching: no fee, open offers withdrawn', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await requestTrip(t, rider);
    await offer(t, trip.id, [driver.id]);
    const res = await cancel(rider, trip.id, 'found another ride');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.status, 'cancelled');
    assert.deepEqual(res.body.data.cancellation, { by: 'rider', reason: 'found another ride', fee: null });
    const offers = await query<{ status: string }>(t, 'SELECT status FROM $schema.trip_offers WHERE trip_id = $1', [
      trip.id,
    ]);
    assert.deepEqual(
      offers.map((o) => o.status),
      ['withdrawn'],
    );
    const late = await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
      token: driver.accessToken,
      body: { action: 'accept' },
    });
    assert.equal(late.status, 409, 'a withdrawn offer cannot be accepted');
  });

  test('rider cancels an accepted trip: free within 2 minutes, 10 EGP after; the driver is free again', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const early = await acceptedTrip(t, rider, driver);
    assert.equal(await driverState(driver), 'busy');
    const free = await cancel(rider, early.id);
    assert.equal(free.status, 200);
    assert.equal(free.body.data.cancellation.fee, null);
    assert.equal(await driverState(driver), 'available');

    const late = await acceptedTrip(t, rider, driver);
    await query(t, "UPDATE $schema.trips SET accepted_at = now() - interval '3 minutes' WHERE id = $1", [late.id]);
    const paid = await cancel(rider, late.id);
    assert.equal(paid.status, 200);
    assert.deepEqual(paid.body.data.cancellation, {
      by: 'rider',
      reason: 'changed my mind',
      fee: { amount: 1000, currency: 'EGP' },
    });
  });

  test('rider cancels after the driver arrived: 20 EGP; cannot cancel once started (admin can, free)', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    assert.equal((await setStatus(driver, trip.id, { status: 'arrived' })).status, 200);
    const res = await cancel(rider, trip.id);
    assert.deepEqual(res.body.data.cancellation.fee, { amount: 2000, currency: 'EGP' });

    const second = await acceptedTrip(t, rider, driver);
    await setStatus(driver, second.id, { status: 'arrived' });
    await setStatus(driver, second.id, { status: 'started', otp: await otpOf(rider, second.id) });
    for (const who of [rider, driver]) {
      const refused = await cancel(who, second.id);
      assert.equal(refused.status, 409, `${who.role} cannot cancel a started ride`);
      assert.equal(refused.body.error.code, 'CONFLICT');
    }
    const byAdmin = await cancel(admin, second.id, 'safety report');
    assert.equal(byAdmin.status, 200);
    assert.deepEqual(byAdmin.body.data.cancellation, { by: 'admin', reason: 'safety report', fee: null });
    assert.equal(await driverState(driver), 'available', 'the driver is free again');
  });

  test('driver cancels an accepted trip: the trip searches again, the rider pays nothing; strangers get 404', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const stranger = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    assert.equal((await cancel(stranger, trip.id)).status, 404);
    const res = await cancel(driver, trip.id, 'flat tyre');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.status, 'searching', 'issue 16: reassigned, not ended');
    assert.equal(res.body.data.driverId, null);
    assert.equal(res.body.data.cancellation, undefined, 'nothing charged');
    assert.equal(await driverState(driver), 'available');
    assert.equal((await cancel(driver, trip.id)).status, 404, 'no longer their trip');
    assert.equal((await cancel(rider, trip.id)).status, 200, 'the rider may still cancel the search');
  });

  test('cancel-search: the rider ends a search; not after a match; not for drivers', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await requestTrip(t, rider);
    const res = await t.api('POST', `/api/v1/trips/${trip.id}/cancel-search`, { token: rider.accessToken });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.status, 'cancelled');
    assert.equal(res.body.data.cancellation.fee, null);

    const matched = await acceptedTrip(t, rider, driver);
    const late = await t.api('POST', `/api/v1/trips/${matched.id}/cancel-search`, { token: rider.accessToken });
    assert.equal(late.status, 409);
    const byDriver = await t.api('POST', `/api/v1/trips/${matched.id}/cancel-search`, { token: driver.accessToken });
    assert.equal(byDriver.status, 403);
  });

  test('listing: newest first, cursor pages, nextCursor null on the last page and no trailing empty page', async () => {
    const rider = await t.signup('rider');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const trip = await requestTrip(t, rider);
      ids.unshift(trip.id);
      await t.api('POST', `/api/v1/trips/${trip.id}/cancel-search`, { token: rider.accessToken });
    }
    const pages = async (limit: number) => {
      const out: string[][] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { data: Array<{ id: string }>; meta: { nextCursor: string | null } } } =
          await t.api('GET', `/api/v1/trips?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
            token: rider.accessToken,
          });
        assert.equal(res.status, 200);
        assert.ok('nextCursor' in res.body.meta, 'lists always carry meta.nextCursor');
        out.push(res.body.data.map((x) => x.id));
        cursor = res.body.meta.nextCursor;
      } while (cursor && out.length < 10);
      return out;
    };
    const byTwo = await pages(2);
    assert.deepEqual(
      byTwo.map((p) => p.length),
      [2, 2, 1],
    );
    assert.deepEqual(byTwo.flat(), ids, 'newest first, each trip once');
    const exact = await pages(5);
    assert.deepEqual(
      exact.map((p) => p.length),
      [5],
      'a full last page has nextCursor null: no empty page after it',
    );
    const wide = await pages(100);
    assert.deepEqual(wide, [ids]);

    const other = await t.signup('rider');
    const none = await t.api('GET', '/api/v1/trips', { token: other.accessToken });
    assert.deepEqual(none.body.data, []);
    assert.equal(none.body.meta.nextCursor, null);
    const filtered = await t.api('GET', '/api/v1/trips?status=searching', { token: rider.accessToken });
    assert.deepEqual(filtered.body.data, []);
  });

  test('listing never skips trips created in the same millisecond', async () => {
    const rider = await t.signup('rider');
    // Six trips whose created_at differ only in microseconds (three are identical).
    const stamps = ['.123456', '.123457', '.123900', '.123900', '.123900', '.124001'].map(
      (f) => `2024-05-01T10:00:00${f}Z`,
    );
    const inserted = await query<{ id: string }>(
      t,
      `INSERT INTO $schema.trips (rider_id, status, vehicle_class, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng, payment_method, strategy, fare_amount, otp, created_at)
       SELECT $1, 'cancelled', 'economy', 30.04, 31.23, 30.06, 31.25, 'cash', 'first_accept', 5500, '1234', s::timestamptz FROM unnest($2::text[]) AS s RETURNING id`,
      [rider.id, stamps],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: { body: { data: Array<{ id: string }>; meta: { nextCursor: string | null } } } = await t.api(
        'GET',
        `/api/v1/trips?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        { token: rider.accessToken },
      );
      seen.push(...res.body.data.map((x) => x.id));
      cursor = res.body.meta.nextCursor;
      if (!cursor) break;
    }
    assert.deepEqual([...seen].sort(), inserted.map((r) => r.id).sort(), 'every trip exactly once');
  });
});
