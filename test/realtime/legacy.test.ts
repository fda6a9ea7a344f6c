import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LEGACY_SUNSET } from '../../src/platform/realtime/legacy.js';
import { ack, acceptedTrip, CAIRO_PICKUP, eventually, record } from './support.js';

describe('legacy event names (LEGACY_EVENTS=on)', () => {
  let t: TestApp;
  const warnings: Array<{ obj: any; msg: string }> = [];
  before(async () => {
    t = await startTestApp('rt_legacy', { LEGACY_EVENTS: 'on' });
    // The gateway logs through the platform logger: capture its WARN lines.
    const log = t.platform.log as unknown as { warn: (obj: unknown, msg: string) => void };
    log.warn = (obj, msg) => void warnings.push({ obj, msg });
  });
  after(async () => t.close());

  test(
    'location:update is an alias, logged once per connection with the sunset date; mechanic:location_update is ' +
      'first-class since issue 18 (no warning)',
    async () => {
      const driver = await t.driver();
      const at = Date.now() - 60_000;
      const first = await t.connectSocket(driver.accessToken);
      assert.deepEqual(await ack(first, 'location:update', { ...CAIRO_PICKUP, timestamp: at }), {
        ok: true,
        data: { accepted: true },
      });
      assert.deepEqual(await ack(first, 'location:update', { ...CAIRO_PICKUP, timestamp: at + 2_000 }), {
        ok: true,
        data: { accepted: true },
      });
      assert.deepEqual(await ack(first, 'mechanic:location_update', { ...CAIRO_PICKUP, timestamp: at + 4_000 }), {
        ok: true,
        data: { accepted: true },
      });
      const second = await t.connectSocket(driver.accessToken);
      await ack(second, 'location:update', { ...CAIRO_PICKUP, timestamp: at + 6_000 });
      const legacyLines = warnings.filter(
        (w) => w.obj?.event && w.obj.sunset === LEGACY_SUNSET && w.obj.userId === driver.id,
      );
      assert.deepEqual(
        legacyLines.map((w) => [w.obj.socketId === first.id ? 'first' : 'second', w.obj.event]),
        [
          ['first', 'location:update'],
          ['second', 'location:update'],
        ],
      );
      assert.ok(
        legacyLines.every((w) => w.msg.includes(LEGACY_SUNSET) && w.obj.replacement === 'driver:location_update'),
      );
      first.disconnect();
      second.disconnect();
    },
  );

  test('request:status_changed and newMessage are emitted with the same payload and seq', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const socket = await t.connectSocket(rider.accessToken);
    const seen = record(socket, [
      'trip:status_changed',
      'trip:accepted',
      'request:status_changed',
      'chat:message',
      'newMessage',
    ]);
    const trip = await acceptedTrip(t, rider, driver);
    await eventually(() => seen.length === 3);
    assert.deepEqual(seen.map((s) => s.event).sort(), [
      'request:status_changed',
      'trip:accepted',
      'trip:status_changed',
    ]);
    assert.equal(new Set(seen.map((s) => JSON.stringify(s.payload))).size, 1);
    t.platform.realtime.toRoom(`trip:${trip.id}`, 'chat:message', {
      tripId: trip.id,
      messageId: 'm1',
      from: driver.id,
      text: 'hi',
      at: new Date().toISOString(),
    });
    await eventually(() => seen.length === 5);
    const [chat, old] = [seen[3]!, seen[4]!];
    assert.deepEqual([chat.event, old.event].sort(), ['chat:message', 'newMessage']);
    assert.deepEqual(chat.payload, old.payload);
    assert.ok(warnings.some((w) => w.obj?.legacyName === 'newMessage' && w.obj.sunset === LEGACY_SUNSET));
    socket.disconnect();
  });

  test('turning the flag off at runtime stops both directions', async () => {
    t.platform.flags.set('LEGACY_EVENTS', false);
    try {
      const driver = await t.driver();
      const socket = await t.connectSocket(driver.accessToken);
      assert.equal(
        (await ack(socket, 'location:update', { ...CAIRO_PICKUP, timestamp: Date.now() })).error?.code,
        'VALIDATION_ERROR',
      );
      const rider = await t.signup('rider');
      const riderSocket = await t.connectSocket(rider.accessToken);
      const seen = record(riderSocket, ['trip:status_changed', 'request:status_changed']);
      await acceptedTrip(t, rider, driver);
      await eventually(() => seen.length >= 1);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        seen.map((s) => s.event),
        ['trip:status_changed'],
      );
      socket.disconnect();
      riderSocket.disconnect();
    } finally {
      t.platform.flags.set('LEGACY_EVENTS', true);
    }
  });
});
