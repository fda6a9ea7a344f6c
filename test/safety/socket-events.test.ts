import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { OWN_OFFERS, acceptedTrip, rows } from './trips.js';

function ack<T = any>(
  socket: Socket,
  event: string,
  payload: unknown,
): Promise<{ ok: boolean; data?: T; error?: { code: string } }> {
  return socket.timeout(5_000).emitWithAck(event, payload);
}

function next<T = any>(socket: Socket, event: string, match: (p: T) => boolean, ms = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    const handler = (p: T) => {
      if (!match(p)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(p);
    };
    socket.on(event, handler);
  });
}

describe('socket events: sos:trigger and chat:send over a real Socket.IO connection', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('safety_sockets', { ...OWN_OFFERS });
    await t.platform.jobs.start();
  });
  after(async () => t.close());

  test('sos:trigger acks {alertId} after persisting; the admin room gets sos:alert', async () => {
    const rider = await t.signup('rider');
    const adminSocket = await t.connectSocket((await t.admin()).accessToken);
    const riderSocket = await t.connectSocket(rider.accessToken);
    const alerted = next<{ alertId: string; userId: string }>(adminSocket, 'sos:alert', (p) => p.userId === rider.id);
    const reply = await ack<{ alertId: string }>(riderSocket, 'sos:trigger', { lat: 30.05, lng: 31.24 });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    const alertId = reply.data!.alertId;
    assert.equal(
      (await rows(t, 'SELECT count(*)::int AS n FROM $schema.sos_alerts WHERE id = $1', [alertId]))[0]!.n,
      1,
    );
    assert.equal((await alerted).alertId, alertId);
    const bad = await ack(riderSocket, 'sos:trigger', { lat: 91, lng: 31 });
    assert.equal(bad.ok, false);
    assert.equal(bad.error!.code, 'VALIDATION_ERROR');
  });

  test(
    'chat:send acks {messageId} after storing; the other member gets chat:message; non-members get ' + 'NOT_FOUND',
    async () => {
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const riderSocket = await t.connectSocket(rider.accessToken);
      const driverSocket = await t.connectSocket(driver.accessToken);
      const trip = await acceptedTrip(t, rider, driver);
      await ack(driverSocket, 'trip:subscribe', { tripId: trip.id });
      const heard = next<{ messageId: string; text: string }>(
        driverSocket,
        'chat:message',
        (p) => p.text === 'at the corner',
      );
      const reply = await ack<{ messageId: string }>(riderSocket, 'chat:send', {
        tripId: trip.id,
        text: 'at the corner',
        clientMessageId: 'sock-1',
      });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      assert.equal((await heard).messageId, reply.data!.messageId);
      const again = await ack<{ messageId: string }>(riderSocket, 'chat:send', {
        tripId: trip.id,
        text: 'at the corner',
        clientMessageId: 'sock-1',
      });
      assert.equal(again.data!.messageId, reply.data!.messageId, 'same clientMessageId, same message');

      const stranger = await t.connectSocket((await t.signup('rider')).accessToken);
      const denied = await ack(stranger, 'chat:send', { tripId: trip.id, text: 'hi', clientMessageId: 'x' });
      assert.deepEqual([denied.ok, denied.error?.code], [false, 'NOT_FOUND']);
      assert.equal(
        (await rows(t, 'SELECT count(*)::int AS n FROM $schema.chat_messages WHERE trip_id = $1', [trip.id]))[0]!.n,
        1,
      );
    },
  );
});
