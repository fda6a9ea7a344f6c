import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { ack, next } from '../realtime/support.js';

/** An area no other suite uses, so each test sees only its own drivers. */
const CENTRE = { lat: 27.18, lng: 31.18 };
/** `m` metres north of p. */
const north = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat + m / 111_195, lng: p.lng });
const round3 = (v: number) => Math.round(v * 1000) / 1000;

describe('nearby:watch — a rider watches the cars around them (issue 17 point 7)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('nearby_watch');
    await t.listen();
  });
  after(async () => t.close());

  const report = (d: TestUser, p: { lat: number; lng: number }, heading = 90) =>
    t.api('POST', '/api/v1/location/update', {
      token: d.accessToken,
      body: { ...p, heading, timestamp: Date.now() },
    });

  // First in the file: this node has not read its flagged-driver list yet, so the first watch reads it.
  test('a fraud-flagged driver is not on the watched map', async () => {
    const spot = north(CENTRE, -20_000);
    const [honest, flagged] = [await t.driver(), await t.driver()];
    await report(honest, north(spot, 300));
    await report(flagged, north(spot, 500));
    await t.platform.database.pool.query(
      `INSERT INTO "${t.schema}".fraud_flags (driver_id, reason, suspicious_fixes) VALUES ($1, 'impossible_jump', 5)`,
      [flagged.id],
    );
    const socket = await t.connectSocket((await t.signup('rider')).accessToken);
    const update = next(socket, 'nearby:update');
    await ack(socket, 'nearby:watch', { ...spot, radiusKm: 2 });
    assert.equal((await update).drivers.length, 1, 'the honest driver only');
    socket.disconnect();
  });

  test('updates list nearby available drivers with rounded positions and ids stable per watch', async () => {
    const [near, outside] = [await t.driver(), await t.driver()];
    const at = north(CENTRE, 800);
    assert.equal((await report(near, at)).status, 200);
    assert.equal((await report(outside, north(CENTRE, 6_000))).status, 200);
    const rider = await t.signup('rider');
    const socket = await t.connectSocket(rider.accessToken);
    const first = next(socket, 'nearby:update');
    const reply = await ack(socket, 'nearby:watch', { ...CENTRE, radiusKm: 2 });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    const update = await first;
    assert.equal(update.drivers.length, 1, 'only the driver inside 2 km');
    const [marker] = update.drivers;
    assert.notEqual(marker.id, near.id, 'the id is opaque, not the driver id');
    assert.deepEqual([marker.lat, marker.lng, marker.heading], [round3(at.lat), round3(at.lng), 90]);
    assert.equal(marker.vehicleClass, 'economy');
    assert.ok(Date.parse(update.at) > 0);

    const moved = north(CENTRE, 900); // 100 m in 2 s: a plausible move (GPS hygiene drops impossible jumps)
    await new Promise((r) => setTimeout(r, 2_100)); // fixes < 2 s apart are coalesced (docs/api.md)
    assert.equal((await report(near, moved, 180)).body.data.accepted, true);
    const later = await next(socket, 'nearby:update', 8_000);
    assert.equal(later.drivers[0].id, marker.id, 'the same car keeps its id during the watch');
    assert.deepEqual([later.drivers[0].lat, later.drivers[0].heading], [round3(moved.lat), 180]);

    // A new watch gets new ids: markers cannot be linked across watches.
    const again = next(socket, 'nearby:update');
    await ack(socket, 'nearby:watch', { ...CENTRE, radiusKm: 2 });
    assert.notEqual((await again).drivers[0].id, marker.id);
    assert.equal(t.app.location.watchers.size, 1, 'one watch per socket');
    socket.disconnect();
  });

  test('unwatch and disconnect end the watch; no update follows', async () => {
    const rider = await t.signup('rider');
    const socket = await t.connectSocket(rider.accessToken);
    const before = t.app.location.watchers.size;
    await ack(socket, 'nearby:watch', { ...CENTRE, radiusKm: 1 });
    assert.equal(t.app.location.watchers.size, before + 1);
    const stop = await ack(socket, 'nearby:unwatch', {});
    assert.equal(stop.ok, true);
    assert.equal(t.app.location.watchers.size, before);
    let updates = 0;
    socket.on('nearby:update', () => updates++);
    await new Promise((r) => setTimeout(r, 3_500));
    assert.equal(updates, 0, 'no update after unwatch');

    await ack(socket, 'nearby:watch', { ...CENTRE, radiusKm: 1 });
    assert.equal(t.app.location.watchers.size, before + 1);
    socket.disconnect();
    for (let i = 0; i < 50 && t.app.location.watchers.size > before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(t.app.location.watchers.size, before, 'a disconnect drops the watch');
  });

  test('a 50 km radius, (0,0), unknown fields and a driver watching are refused; nothing is watched', async () => {
    const rider = await t.signup('rider');
    const socket = await t.connectSocket(rider.accessToken);
    const before = t.app.location.watchers.size;
    for (const bad of [
      { ...CENTRE, radiusKm: 50 },
      { lat: 0, lng: 0, radiusKm: 1 },
      { ...CENTRE, radiusKm: 1, vehicleClass: 'rocket' },
      { ...CENTRE, radiusKm: 1, extra: true },
      { lat: '30', lng: 31, radiusKm: 1 },
    ]) {
      const reply = await ack(socket, 'nearby:watch', bad);
      assert.equal(reply.ok, false, JSON.stringify(bad));
      assert.equal(reply.error?.code, 'VALIDATION_ERROR');
    }
    const driver = await t.driver();
    const driverSocket = await t.connectSocket(driver.accessToken);
    const refused = await ack(driverSocket, 'nearby:watch', { ...CENTRE, radiusKm: 1 });
    assert.equal(refused.error?.code, 'FORBIDDEN');
    assert.equal(t.app.location.watchers.size, before);
    socket.disconnect();
    driverSocket.disconnect();
  });
});

describe('nearby:watch — an update already being computed when the rider unwatches', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('nearby_watch_race'); // a fresh node: its first update waits on a Postgres read
  });
  after(async () => t.close());

  test('is dropped, not sent after the unwatch was acknowledged', async () => {
    await t.listen();
    const socket = await t.connectSocket((await t.signup('rider')).accessToken);
    let afterUnwatch = 0;
    // Sent back to back: the watch's first update is still reading when the unwatch is handled.
    const watching = ack(socket, 'nearby:watch', { ...CENTRE, radiusKm: 1 });
    const stopped = ack(socket, 'nearby:unwatch', {});
    assert.equal((await watching).ok, true);
    assert.equal((await stopped).data?.stopped, true);
    socket.on('nearby:update', () => afterUnwatch++);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(afterUnwatch, 0, 'no update after the unwatch');
    socket.disconnect();
  });
});
