/**
 * Issue 19 points 4–6 through the API: trip search (id, phone, plate, time, cursor), the trace's chat and the SOS
 * desk's notes, countdown and trail. Roles enforced: finance gets 403 on every one of them. The driver side
 * (rejection, the per-driver day, flags and reports): fleet-drivers.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { acceptedTrip, eventually, query } from '../support/fixtures.js';
import { completedTrip } from '../trust/support.js';
import { startFleetAdminApp } from './support.js';

describe('console fleet API', () => {
  let t: TestApp;
  let dispatcher: TestUser;
  let support: TestUser;
  let finance: TestUser;

  before(async () => {
    ({ t, dispatcher, support, finance } = await startFleetAdminApp('console_fleet'));
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
