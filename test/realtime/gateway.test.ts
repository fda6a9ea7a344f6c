import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { ack, acceptedTrip, connectError, eventually, next, record, sleep } from './support.js';

describe('socket gateway', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('rt_gateway');
  });
  after(async () => t.close());

  describe('handshake', () => {
    test('no token, a garbage token and a forged token are refused with UNAUTHENTICATED', async () => {
      for (const token of [
        undefined,
        'not-a-jwt',
        'eyJhbGciOiJIUzI1NiIsImtpZCI6ImRldi0xIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      ]) {
        const err = await connectError(t, token);
        assert.equal(err.data?.code, 'UNAUTHENTICATED', `token ${token}: ${err.message}`);
      }
    });

    test('a logged-out session cannot connect', async () => {
      const rider = await t.signup('rider');
      assert.equal((await t.api('POST', '/api/v1/auth/logout', { token: rider.accessToken })).status, 204);
      assert.equal((await connectError(t, rider.accessToken)).data?.code, 'UNAUTHENTICATED');
    });

    test('a valid token connects and the socket is in user:{id}', async () => {
      const rider = await t.signup('rider');
      const socket = await t.connectSocket(rider.accessToken);
      const got = next(socket, 'notification');
      t.platform.realtime.toUser(rider.id, 'notification', { hello: 1 });
      const payload = await got;
      assert.equal(payload.hello, 1);
      assert.equal(payload.room, `user:${rider.id}`);
      assert.equal(typeof payload.seq, 'number');
      socket.disconnect();
    });

    test('admins also join the admin room', async () => {
      const admin = await t.admin();
      const socket = await t.connectSocket(admin.accessToken);
      const got = next(socket, 'sos:alert');
      t.platform.realtime.toAdmins('sos:alert', { alertId: 'x' });
      assert.equal((await got).alertId, 'x');
      socket.disconnect();
    });
  });

  describe('client events are always answered', () => {
    test('unknown event, bad payload and wrong role come back as typed ack errors', async () => {
      const rider = await t.signup('rider');
      const socket = await t.connectSocket(rider.accessToken);
      const unknown = await ack(socket, 'no:such_event', {});
      assert.deepEqual([unknown.ok, unknown.error?.code], [false, 'VALIDATION_ERROR']);
      const bad = await ack(socket, 'trip:subscribe', { tripId: 'not-a-uuid' });
      assert.deepEqual([bad.ok, bad.error?.code], [false, 'VALIDATION_ERROR']);
      assert.ok(Array.isArray(bad.error?.details));
      const notAnObject = await ack(socket, 'trip:subscribe', 'hello');
      assert.equal(notAnObject.error?.code, 'VALIDATION_ERROR');
      const role = await ack(socket, 'driver:location_update', { lat: 30.05, lng: 31.23, timestamp: Date.now() });
      assert.deepEqual([role.ok, role.error?.code], [false, 'FORBIDDEN']);
      socket.disconnect();
    });

    test('without an ack callback, an error arrives as socket:error (never silence, never a crash)', async () => {
      const rider = await t.signup('rider');
      const socket = await t.connectSocket(rider.accessToken);
      const got = next(socket, 'socket:error');
      socket.emit('trip:subscribe', { tripId: 42 });
      const err = await got;
      assert.equal(err.event, 'trip:subscribe');
      assert.equal(err.error.code, 'VALIDATION_ERROR');
      // Still connected and serving.
      assert.equal((await ack(socket, 'no:such', {})).error?.code, 'VALIDATION_ERROR');
      socket.disconnect();
    });

    test('a handler that throws answers INTERNAL without details and the server keeps serving', async () => {
      t.app.gateway.events.register({
        name: 'test:explode',
        summary: 'A handler that throws',
        schema: z.object({}),
        handle: () => {
          throw new Error('SELECT secret FROM boom');
        },
      });
      const socket = await t.connectSocket((await t.signup('rider')).accessToken);
      const reply = await ack(socket, 'test:explode', {});
      assert.deepEqual(reply, { ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
      assert.equal((await ack(socket, 'no:such', {})).error?.code, 'VALIDATION_ERROR');
      socket.disconnect();
    });

    test('a payload over 100 KB closes that connection only', async () => {
      const rider = await t.signup('rider');
      const big = await t.connectSocket(rider.accessToken);
      const other = await t.connectSocket(rider.accessToken);
      const closed = next(big, 'disconnect');
      big.emit('trip:subscribe', { tripId: 'x'.repeat(150 * 1024) });
      assert.match(String(await closed), /transport (close|error)/);
      assert.equal((await ack(other, 'no:such', {})).error?.code, 'VALIDATION_ERROR');
      other.disconnect();
    });
  });

  describe('trip rooms and projections', () => {
    test(
      'accept: rider and driver join trip:{id} and get trip:status_changed + trip:accepted with the same seq, ' +
        'once each',
      async () => {
        const rider = await t.signup('rider');
        const driver = await t.driver();
        const riderSocket = await t.connectSocket(rider.accessToken);
        const driverSocket = await t.connectSocket(driver.accessToken);
        const riderSeen = record(riderSocket, ['trip:status_changed', 'trip:accepted']);
        const driverSeen = record(driverSocket, ['trip:status_changed', 'trip:accepted']);
        const trip = await acceptedTrip(t, rider, driver);
        await eventually(() => riderSeen.length === 2 && driverSeen.length === 2);
        await sleep(100); // nothing else arrives (no duplicate through user:{riderId})
        for (const seen of [riderSeen, driverSeen]) {
          assert.deepEqual(seen.map((s) => s.event).sort(), ['trip:accepted', 'trip:status_changed']);
          const [a, b] = seen.map((s) => s.payload);
          assert.equal(a.seq, b.seq);
          assert.deepEqual(
            { tripId: a.tripId, from: a.from, to: a.to, version: a.version, room: a.room },
            { tripId: trip.id, from: 'searching', to: 'accepted', version: trip.version, room: `trip:${trip.id}` },
          );
          assert.match(a.at, /^\d{4}-\d\d-\d\dT/);
        }
        // Later events reach both through the room, seq keeps growing.
        const arrived = next(riderSocket, 'trip:arrived');
        await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
          token: driver.accessToken,
          body: { status: 'arrived' },
        });
        assert.equal((await arrived).seq, riderSeen[0]!.payload.seq + 1);
        riderSocket.disconnect();
        driverSocket.disconnect();
      },
    );

    test('losing drivers get trip:offer_withdrawn on their user room', async () => {
      const rider = await t.signup('rider');
      const winner = await t.driver();
      const loser = await t.driver();
      const loserSocket = await t.connectSocket(loser.accessToken);
      const withdrawn = next(loserSocket, 'trip:offer_withdrawn');
      const trip = await acceptedTrip(t, rider, winner, [loser]);
      const payload = await withdrawn;
      assert.equal(payload.tripId, trip.id);
      assert.equal(payload.room, `user:${loser.id}`);
      loserSocket.disconnect();
    });

    test('trip:subscribe: members and admins join, others get FORBIDDEN', async () => {
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const trip = await acceptedTrip(t, rider, driver);
      const stranger = await t.connectSocket((await t.signup('rider')).accessToken);
      const denied = await ack(stranger, 'trip:subscribe', { tripId: trip.id });
      assert.deepEqual([denied.ok, denied.error?.code], [false, 'FORBIDDEN']);
      const admin = await t.connectSocket((await t.admin()).accessToken);
      const joined = await ack(admin, 'trip:subscribe', { tripId: trip.id });
      assert.equal(joined.ok, true);
      assert.equal(joined.data.room, `trip:${trip.id}`);
      assert.ok(joined.data.seq >= 1);
      const seen = next(admin, 'trip:status_changed');
      await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
        token: driver.accessToken,
        body: { status: 'arrived' },
      });
      assert.equal((await seen).to, 'arrived');
      stranger.disconnect();
      admin.disconnect();
    });
  });

  describe('slow consumers', () => {
    test('live positions are dropped while a connection is busy; status events never are', async () => {
      const rider = await t.signup('rider');
      const socket = await t.connectSocket(rider.accessToken);
      const seen = record(socket, ['trip:driver_location', 'trip:status_changed']);
      const room = `user:${rider.id}`;
      const N = 300;
      for (let i = 0; i < N; i++) {
        t.platform.realtime.toRoom(room, 'trip:driver_location', { i, filler: 'x'.repeat(2_000) }, { volatile: true });
        t.platform.realtime.toRoom(room, 'trip:status_changed', { i, filler: 'y'.repeat(2_000) });
      }
      await eventually(() => seen.filter((s) => s.event === 'trip:status_changed').length === N);
      await sleep(100);
      const statuses = seen.filter((s) => s.event === 'trip:status_changed').map((s) => s.payload.i);
      const positions = seen.filter((s) => s.event === 'trip:driver_location').length;
      assert.deepEqual(
        statuses,
        Array.from({ length: N }, (_, i) => i),
        'every status, in order',
      );
      assert.ok(positions >= 1 && positions < N, `${positions} of ${N} positions delivered`);
      socket.disconnect();
    });
  });

  describe('sync after a reconnect', () => {
    test('missed events come back in order; a gap the log cannot fill gets a snapshot', async () => {
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const first = await t.connectSocket(rider.accessToken);
      const accepted = next(first, 'trip:accepted');
      const trip = await acceptedTrip(t, rider, driver);
      const lastSeq = (await accepted).seq;
      first.disconnect();

      await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
        token: driver.accessToken,
        body: { status: 'arrived' },
      });
      const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
      await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
        token: driver.accessToken,
        body: { status: 'started', otp },
      });

      const again = await t.connectSocket(rider.accessToken);
      const room = `trip:${trip.id}`;
      const notYet = await ack(again, 'sync', { room, lastSeq });
      assert.equal(notYet.error?.code, 'FORBIDDEN', 'sync needs membership (trip:subscribe first)');
      assert.equal((await ack(again, 'trip:subscribe', { tripId: trip.id })).ok, true);
      const missed = await ack(again, 'sync', { room, lastSeq });
      assert.equal(missed.ok, true);
      assert.deepEqual(
        missed.data.events.map((e: any) => [e.event, e.payload.to]),
        [
          ['trip:status_changed', 'arrived'],
          ['trip:status_changed', 'started'],
        ],
      );
      assert.deepEqual(
        missed.data.events.map((e: any) => e.payload.seq),
        [lastSeq + 1, lastSeq + 2],
      );
      assert.equal(missed.data.seq, lastSeq + 2);

      const upToDate = await ack(again, 'sync', { room, lastSeq: lastSeq + 2 });
      assert.deepEqual(upToDate.data.events, []);

      // A client claiming a future seq (hot state was reset) cannot be replayed: snapshot.
      const snap = await ack(again, 'sync', { room, lastSeq: lastSeq + 1000 });
      assert.equal(snap.ok, true);
      assert.equal(snap.data.snapshot.trip.id, trip.id);
      assert.equal(snap.data.snapshot.trip.status, 'started');
      assert.equal(snap.data.events, undefined);

      const own = await ack(again, 'sync', { room: `user:${rider.id}`, lastSeq: 0 });
      assert.equal(own.ok, true);
      const notOwn = await ack(again, 'sync', { room: `user:${driver.id}`, lastSeq: 0 });
      assert.equal(notOwn.error?.code, 'FORBIDDEN');
      again.disconnect();
    });
  });
});
