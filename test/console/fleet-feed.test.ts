/**
 * Issue 19.3: the console's live map feed over real Socket.IO: a snapshot on `fleet:watch`, then compact deltas
 * of only what moved, one tick per node (not one event per location update); fleet staff only.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../../support/harness.js';
import type { FleetDelta, FleetSnapshot } from '../../src/modules/console/index.js';
import { ack, next } from '../realtime/support.js';
import { acceptedTrip, eventually } from '../support/fixtures.js';
import { assignBySql, providerAt, requestService, spot } from '../field-service/support.js';
import { staffUser } from './support.js';

describe('fleet feed', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp('fleet_feed', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
    await t.listen();
  });
  after(async () => t.close());

  const place = (driverId: string, lat: number, lng: number, available = true) =>
    t.platform.hotState.upsertDriverPosition({
      driverId,
      lat,
      lng,
      vehicleClass: 'economy',
      available,
      at: Date.now(),
    });

  test('snapshot, then one delta per tick carrying only the drivers that moved, changed or left', async () => {
    const dispatcher = await staffUser(t, ['dispatcher']);
    const ids = Array.from({ length: 50 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const [i, id] of ids.entries()) await place(id, 30 + i / 1000, 31.2);
    const socket = await t.connectSocket(dispatcher.accessToken);
    const watched = await ack<FleetSnapshot & { tickMs: number }>(socket, 'fleet:watch', {});
    assert.equal(watched.ok, true, JSON.stringify(watched));
    const snapshot = watched.data!;
    assert.equal(snapshot.markers.length, 50);
    const keyOf = new Map(snapshot.names.map(([key, id]) => [id, key]));
    assert.ok(snapshot.tickMs >= 1_000 && snapshot.tickMs <= 2_000);
    // Three of fifty move (one of them twice within the tick), one goes busy, one goes offline.
    const deltas: FleetDelta[] = [];
    socket.on('fleet:delta', (d: FleetDelta) => deltas.push(d));
    await place(ids[0]!, 30.5, 31.5);
    await place(ids[0]!, 30.6, 31.6);
    await place(ids[1]!, 30.5, 31.5);
    await place(ids[2]!, 30.002, 31.2, false);
    await t.platform.hotState.removeDriver(ids[3]!);
    await sleep(snapshot.tickMs * 2 + 500);
    const updates = deltas.flatMap((d) => d.u ?? []);
    assert.deepEqual(
      updates.map((u) => u[0]).sort(),
      [ids[0], ids[1], ids[2]].map((id) => keyOf.get(id!)).sort(),
      'only changed markers travel',
    );
    assert.deepEqual(updates.find((u) => u[0] === keyOf.get(ids[0]!))?.slice(1, 4), [3_060_000, 3_160_000, 'a']);
    assert.equal(updates.find((u) => u[0] === keyOf.get(ids[2]!))?.[3], 'b');
    assert.deepEqual(
      deltas.flatMap((d) => d.r ?? []),
      [keyOf.get(ids[3]!)],
    );
    assert.deepEqual(
      deltas.map((d) => d.seq),
      deltas.map((_, i) => snapshot.seq + 1 + i),
      'seq follows the snapshot without gaps',
    );
    socket.disconnect();
  });

  test('a driver on a trip is "on trip" with a pickup line; nothing changing sends nothing', async () => {
    const dispatcher = await staffUser(t, ['dispatcher']);
    const driver = await t.driver();
    const trip = await acceptedTrip(t, await t.signup('rider'), driver);
    await place(driver.id, 30.05, 31.24, false);
    await sleep(2_000); // the node's feed reads hot state once per tick (1.5 s): the snapshot is the last tick's
    const socket = await t.connectSocket(dispatcher.accessToken);
    const snapshot = (await ack<FleetSnapshot>(socket, 'fleet:watch', {})).data!;
    const key = snapshot.names.find(([, id]) => id === driver.id)![0];
    assert.equal(snapshot.markers.find((m) => m[0] === key)![3], 't');
    const line = snapshot.trips.find(([id]) => id === trip.id);
    assert.equal(line?.[1], key);
    let quietDeltas = 0;
    socket.on('fleet:delta', (d: FleetDelta) => (d.u?.some((u) => u[0] === key) ? quietDeltas++ : 0));
    await sleep(3_500);
    assert.equal(quietDeltas, 0, 'a still driver is not re-sent');
    socket.disconnect();
  });

  test("a provider's approved services travel with their name; on a service job they are on trip, lined to the breakdown", async () => {
    const dispatcher = await staffUser(t, ['dispatcher']);
    const towing = await providerAt(t, null, { serviceTypes: ['tow', 'battery'], equipment: ['tow_truck'] });
    const unapproved = await providerAt(t, null, { serviceTypes: ['tyre'], approve: false });
    const breakdown = spot(4);
    const job = await requestService(t, await t.signup('rider'), { location: { ...breakdown, address: 'Ring road' } });
    await assignBySql(t, job.id, towing.id);
    await place(towing.id, 30.07, 31.26, false);
    await place(unapproved.id, 30.071, 31.261);
    const socket = await t.connectSocket(dispatcher.accessToken);
    // The feed may still be running from an earlier test with services read before these approvals (re-read every
    // 10 s): watch again until the picture has them.
    const snapshot = await eventually(
      async () => {
        const s = (await ack<FleetSnapshot>(socket, 'fleet:watch', {})).data!;
        const name = s.names.find(([, id]) => id === towing.id);
        return name && name[3] !== 0 && s.trips.some(([id]) => id === job.id) ? s : null;
      },
      30_000,
      500,
    );
    const servicesOf = (id: string) => {
      const mask = snapshot.names.find(([, driverId]) => driverId === id)![3];
      return snapshot.services.filter((_, i) => mask & (1 << i));
    };
    assert.deepEqual(servicesOf(towing.id), ['tow', 'battery']);
    assert.deepEqual(servicesOf(unapproved.id), [], 'a declaration not approved yet offers no service');
    const key = snapshot.names.find(([, id]) => id === towing.id)![0];
    assert.equal(snapshot.markers.find((m) => m[0] === key)![3], 't');
    assert.deepEqual(
      snapshot.trips.find(([id]) => id === job.id),
      [job.id, key, Math.round(breakdown.lat * 1e5), Math.round(breakdown.lng * 1e5), 'assigned', 'service_request'],
    );
    socket.disconnect();
  });

  test('riders, drivers and finance staff are refused FORBIDDEN and get no deltas', async () => {
    for (const user of [await t.signup('rider'), await t.driver(), await staffUser(t, ['finance'])]) {
      const socket = await t.connectSocket(user.accessToken);
      const reply = await ack(socket, 'fleet:watch', {});
      assert.equal(reply.ok, false);
      assert.equal(reply.error?.code, 'FORBIDDEN');
      await assert.rejects(next(socket, 'fleet:delta', 2_500));
      socket.disconnect();
    }
  });

  test('bad input is VALIDATION_ERROR', async () => {
    const socket = await t.connectSocket((await staffUser(t, ['dispatcher'])).accessToken);
    const reply = await ack(socket, 'fleet:watch', { everything: true });
    assert.equal(reply.error?.code, 'VALIDATION_ERROR');
    socket.disconnect();
  });
});
