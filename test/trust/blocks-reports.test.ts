/**
 * Issue 16 point 2: a low rating or a report blocks the pair both ways and
 * dispatch never offers a trip of one to the other; users list and lift their
 * blocks; admins see and resolve reports and suspend accounts, whose tokens
 * stop working on every node within 2 s and whose drivers get no offers.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSecondNode, startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { query, requestTrip } from '../support/fixtures.js';
import { driverState, eventually, northOf, PICKUP, reportPosition } from '../dispatch/support.js';
import { completedTrip, rate, skipCooldown } from './support.js';

const ROUNDS = 200;

/** Drivers offered the trip by its first round (inline, right after the request). */
async function firstOffers(t: TestApp, tripId: string): Promise<string[]> {
  const offered = await eventually(async () => {
    const rows = await query<{ driver_id: string }>(
      t,
      'SELECT driver_id FROM $schema.trip_offers WHERE trip_id = $1 ORDER BY driver_id',
      [tripId],
    );
    return rows.length > 0 ? rows.map((r) => r.driver_id) : null;
  });
  return offered!;
}

/** Requests a trip, returns who got its first offers, and cancels the search once every offered driver is free. */
async function oneRound(t: TestApp, rider: TestUser): Promise<string[]> {
  const trip = await requestTrip(t, rider);
  const offered = await firstOffers(t, trip.id);
  const cancelled = await t.api('POST', `/api/v1/trips/${trip.id}/cancel-search`, { token: rider.accessToken });
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  for (const id of offered) await eventually(async () => (await driverState(t, id)).state === 'available');
  return offered;
}

const blocksOf = async (t: TestApp, user: TestUser) =>
  (await t.api('GET', '/api/v1/me/blocks', { token: user.accessToken })).body.data as Array<{
    userId: string;
    source: string;
  }>;

describe('blocks and reports', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('trust_blocks');
  });
  after(async () => t.close());

  test(`a pair blocked by a 1–2 star rating, either way, is never offered to each other in ${ROUNDS} dispatch rounds`, async () => {
    const rider = await t.signup('rider');
    const ratedDown = await t.driver(); // the rider gives them 1 star
    const rater = await t.driver(); // they give the rider 2 stars
    const tripA = await completedTrip(t, rider, ratedDown);
    assert.equal((await rate(t, rider, tripA, { stars: 1 })).status, 201);
    const tripB = await completedTrip(t, rider, rater);
    assert.equal((await rate(t, rater, tripB, { stars: 2 })).status, 201);
    assert.deepEqual(
      (await blocksOf(t, rider)).map((b) => [b.userId, b.source]),
      [[ratedDown.id, 'rating']],
    );
    assert.deepEqual(
      (await blocksOf(t, rater)).map((b) => [b.userId, b.source]),
      [[rider.id, 'rating']],
    );

    const control = await t.driver();
    const blocked = [ratedDown, rater];
    for (const d of blocked) await skipCooldown(t, d.id);
    const place = async () => {
      // Blocked drivers wait nearest to the pickup; the control driver 1.5 km away.
      for (const d of blocked) await reportPosition(t, d, PICKUP);
      await reportPosition(t, control, northOf(PICKUP, 1_500));
    };
    const offeredTo = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 20 === 0) await place(); // positions stay fresh (60 s) through the run
      for (const id of await oneRound(t, rider)) offeredTo.add(id);
    }
    assert.deepEqual([...offeredTo], [control.id], 'only the unblocked driver was ever offered');

    // Each side lifts their own block: the pair meets again (the exclusion was the block, nothing else).
    assert.equal(
      (await t.api('DELETE', `/api/v1/me/blocks/${ratedDown.id}`, { token: rider.accessToken })).status,
      204,
    );
    assert.equal((await t.api('DELETE', `/api/v1/me/blocks/${rider.id}`, { token: rater.accessToken })).status, 204);
    await place();
    assert.deepEqual((await oneRound(t, rider)).sort(), [ratedDown.id, rater.id, control.id].sort());
  });

  test('a report blocks the pair, is listed for admins with a cursor, and is resolved once', async () => {
    const admin = await t.admin();
    const reports: string[] = [];
    let pair: { rider: TestUser; driver: TestUser; tripId: string } | undefined;
    for (let i = 0; i < 3; i++) {
      const rider = await t.signup('rider');
      const driver = await t.driver({ available: false });
      const tripId = await completedTrip(t, rider, driver);
      const res = await t.api('POST', `/api/v1/trips/${tripId}/report`, {
        token: driver.accessToken,
        body: { category: 'rude', text: `Shouted at me on trip ${i}` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.data.reportedId, rider.id);
      reports.push(res.body.data.id);
      pair = { rider, driver, tripId };
    }
    const { rider, driver, tripId } = pair!;
    assert.deepEqual(
      (await blocksOf(t, driver)).map((b) => [b.userId, b.source]),
      [[rider.id, 'report']],
    );
    const again = await t.api('POST', `/api/v1/trips/${tripId}/report`, {
      token: driver.accessToken,
      body: { category: 'other', text: 'again' },
    });
    assert.equal(again.status, 409);

    const page1 = await t.api('GET', '/api/v1/admin/reports/users?status=open&limit=2', { token: admin.accessToken });
    assert.equal(page1.status, 200);
    assert.deepEqual(
      page1.body.data.map((r: { id: string }) => r.id),
      [reports[2], reports[1]],
    );
    const page2 = await t.api(
      'GET',
      `/api/v1/admin/reports/users?status=open&limit=2&cursor=${page1.body.meta.nextCursor}`,
      { token: admin.accessToken },
    );
    assert.ok(page2.body.data.some((r: { id: string }) => r.id === reports[0]));

    const resolve = (id: string, token = admin.accessToken) =>
      t.api('POST', `/api/v1/admin/reports/users/${id}/resolve`, { token, body: { note: 'Warned the rider' } });
    assert.equal((await resolve(reports[2]!, rider.accessToken)).status, 403, 'admins only');
    const resolved = await resolve(reports[2]!);
    assert.equal(resolved.status, 200);
    assert.deepEqual([resolved.body.data.status, resolved.body.data.resolutionNote], ['resolved', 'Warned the rider']);
    assert.equal((await resolve(reports[2]!)).status, 409, 'resolved once');
    assert.equal((await resolve('00000000-0000-4000-8000-000000000000')).status, 404);
    const done = await t.api('GET', '/api/v1/admin/reports/users?status=resolved', { token: admin.accessToken });
    assert.deepEqual(
      done.body.data.map((r: { id: string }) => r.id),
      [reports[2]],
    );
  });

  test('bad reports and blocks are refused with a clear 4xx and nothing is written', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver({ available: false });
    const outsider = await t.signup('rider');
    const tripId = await completedTrip(t, rider, driver);
    const before = [await t.count('user_reports'), await t.count('user_blocks')];
    const report = (user: TestUser, body: unknown) =>
      t.api('POST', `/api/v1/trips/${tripId}/report`, { token: user.accessToken, body });
    assert.equal((await report(rider, { category: 'bad_vibes', text: 'x' })).status, 400, 'unknown category');
    assert.equal((await report(rider, { category: 'rude', text: '   ' })).status, 400, 'empty text');
    assert.equal((await report(rider, { category: 'rude', text: 'x'.repeat(2_001) })).status, 400);
    assert.equal((await report(outsider, { category: 'rude', text: 'not my trip' })).status, 404);

    const block = (body: unknown) => t.api('POST', '/api/v1/me/blocks', { token: rider.accessToken, body });
    const self = await block({ userId: rider.id });
    assert.equal(self.status, 400, 'a block of oneself');
    assert.equal(self.body.error.code, 'VALIDATION_ERROR');
    assert.equal((await block({ userId: 'nope' })).status, 400);
    assert.equal((await block({ userId: '00000000-0000-4000-8000-000000000000' })).status, 404);
    const unblock = (id: string) => t.api('DELETE', `/api/v1/me/blocks/${id}`, { token: rider.accessToken });
    assert.equal((await unblock(rider.id)).status, 400);
    assert.equal((await unblock(driver.id)).status, 404, 'no such block');
    assert.deepEqual([await t.count('user_reports'), await t.count('user_blocks')], before);

    const manual = await block({ userId: driver.id });
    assert.equal(manual.status, 201);
    assert.deepEqual([manual.body.data.userId, manual.body.data.source], [driver.id, 'manual']);
  });
});

describe('suspensions', () => {
  let t: TestApp;
  let b: Awaited<ReturnType<typeof startSecondNode>>;
  before(async () => {
    t = await startTestApp('trust_suspend');
    b = await startSecondNode(t);
    await t.platform.jobs.start(); // the lift job of a suspension with an end
  });
  after(async () => {
    await b?.close();
    await t.close();
  });

  const meOn = async (node: { http: TestApp['app']['http'] }, token: string) =>
    (await node.http.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } }))
      .statusCode;
  const suspend = async (admin: TestUser, userId: string, body: unknown) =>
    t.api('POST', `/api/v1/admin/users/${userId}/suspend`, { token: admin.accessToken, body });
  const login = (user: TestUser) =>
    t.api('POST', '/api/v1/auth/login', { body: { phone: user.phone, password: 'password-123' } });

  test("a suspended driver's token stops working on both nodes within 2 s and they get no offers", async () => {
    const admin = await t.admin();
    const driver = await t.driver();
    const control = await t.driver();
    await reportPosition(t, driver, PICKUP);
    await reportPosition(t, control, northOf(PICKUP, 1_500));
    assert.deepEqual([await meOn(t.app, driver.accessToken), await meOn(b.app, driver.accessToken)], [200, 200]);

    const started = Date.now();
    const res = await suspend(admin, driver.id, { reason: 'Repeated reports of unsafe driving' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [res.body.data.suspended, res.body.data.suspensionReason, res.body.data.suspendedUntil],
      [true, 'Repeated reports of unsafe driving', null],
    );
    await eventually(async () => (await meOn(b.app, driver.accessToken)) === 401, 2_000, 20);
    assert.equal(await meOn(t.app, driver.accessToken), 401);
    assert.ok(Date.now() - started < 2_000, 'both nodes refuse the token within 2 s');
    assert.equal((await login(driver)).status, 403);

    // Even a profile left available (an operator's SQL) is never claimed while suspended.
    await query(t, `UPDATE $schema.driver_profiles SET state = 'available' WHERE user_id = $1`, [driver.id]);
    await reportPosition(t, control, northOf(PICKUP, 1_500));
    const rider = await t.signup('rider');
    const trip = await requestTrip(t, rider);
    assert.deepEqual(await firstOffers(t, trip.id), [control.id]);

    const lifted = await t.api('POST', `/api/v1/admin/users/${driver.id}/unsuspend`, { token: admin.accessToken });
    assert.equal(lifted.status, 200);
    assert.equal(lifted.body.data.suspended, false);
    assert.equal(await meOn(t.app, driver.accessToken), 401, 'old sessions stay ended');
    assert.equal((await login(driver)).status, 200, 'the driver signs in again');
  });

  test('a suspension with an end lifts itself; bad suspensions are refused and change nothing', async () => {
    const admin = await t.admin();
    const rider = await t.signup('rider');
    const cases: Array<[unknown, number]> = [
      [{}, 400],
      [{ reason: '' }, 400],
      [{ reason: 'x', until: new Date(Date.now() - 60_000).toISOString() }, 400],
      [{ reason: 'x', until: 'tomorrow' }, 400],
      [{ reason: 'x', extra: 1 }, 400],
    ];
    for (const [body, status] of cases) assert.equal((await suspend(admin, rider.id, body)).status, status);
    assert.equal((await suspend(admin, admin.id, { reason: 'self' })).status, 403);
    assert.equal((await suspend(admin, '00000000-0000-4000-8000-000000000000', { reason: 'x' })).status, 404);
    assert.equal((await login(rider)).status, 200, 'nothing was suspended');

    const until = new Date(Date.now() + 1_500).toISOString();
    const res = await suspend(admin, rider.id, { reason: 'Cooling off', until });
    assert.equal(res.body.data.suspendedUntil, until);
    assert.equal((await login(rider)).status, 403);
    await eventually(async () => (await login(rider)).status === 200, 15_000, 250);
  });
});
