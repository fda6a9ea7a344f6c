/**
 * A socket lives no longer than its session: logout, refresh-token reuse,
 * erasure, suspension or an operator's SQL revoke disconnect that session's
 * sockets on every node within 2 s, and an ended session's socket gets no
 * event through, even before its disconnect lands.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { startSecondNode, startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { query } from '../support/fixtures.js';
import { acceptedTrip, ack } from './support.js';

/** Brief: every node drops the session's sockets within 2 s. */
const DISCONNECT_BUDGET_MS = 2_000;

/** Milliseconds until the server closes the socket, or Infinity after the budget. */
function timeUntilDisconnected(socket: ClientSocket, from = Date.now()): Promise<number> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve(Date.now() - from);
    const timer = setTimeout(() => resolve(Infinity), DISCONNECT_BUDGET_MS + 500);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve(Date.now() - from);
    });
  });
}

/** What an event sent by `socket` came to: its ack, or 'disconnected' when the server closed first. */
async function outcomeOf(socket: ClientSocket, event: string, payload: unknown): Promise<string> {
  // Already closed (the server was quicker than the caller): the client would only buffer the event, unanswered.
  if (!socket.connected) return 'disconnected';
  const closed = new Promise<string>((resolve) => socket.once('disconnect', () => resolve('disconnected')));
  const acked = socket
    .timeout(DISCONNECT_BUDGET_MS + 500)
    .emitWithAck(event, payload)
    .then(
      (reply: { ok: boolean; error?: { code: string } }) => (reply.ok ? 'ok' : reply.error!.code),
      () => 'no answer',
    );
  return Promise.race([acked, closed]);
}

describe('sockets end with their session', () => {
  let t: TestApp;
  let b: Awaited<ReturnType<typeof startSecondNode>>;
  let bUrl: string;
  const bSockets: ClientSocket[] = [];

  /** A socket on node B (same schema, its own LISTEN connection and session cache). */
  const connectToB = async (token: string) => {
    const socket = ioClient(bUrl, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    bSockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  };

  before(async () => {
    t = await startTestApp('rt_session_end', { DB_POOL_MAX: '8', DISPATCH_INLINE_FIRST_ROUND: 'false' });
    b = await startSecondNode(t);
    await b.app.http.listen({ port: 0, host: '127.0.0.1' });
    bUrl = `http://127.0.0.1:${(b.app.http.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of bSockets) s.disconnect();
    await b?.close();
    await t.close();
  });

  async function chattingPair() {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    return { rider, driver, trip };
  }

  const messagesOf = async (tripId: string) =>
    (
      await query<{ n: number }>(t, 'SELECT count(*)::int AS n FROM $schema.chat_messages WHERE trip_id = $1', [tripId])
    )[0]!.n;

  test(
    'logout: the socket is closed within 2 s; a chat:send racing it is refused and nothing reaches the other ' +
      'member',
    async () => {
      const { rider, driver, trip } = await chattingPair();
      const riderSocket = await t.connectSocket(rider.accessToken);
      const driverSocket = await t.connectSocket(driver.accessToken);
      await ack(driverSocket, 'trip:subscribe', { tripId: trip.id });
      assert.equal(
        (await ack(riderSocket, 'chat:send', { tripId: trip.id, text: 'before', clientMessageId: 'c-1' })).ok,
        true,
        'alive before logout',
      );
      const heard: string[] = [];
      driverSocket.on('chat:message', (m: { text: string }) => m.text !== 'before' && heard.push(m.text));

      const closing = timeUntilDisconnected(riderSocket);
      assert.equal((await t.api('POST', '/api/v1/auth/logout', { token: rider.accessToken })).status, 204);
      const late = await outcomeOf(riderSocket, 'chat:send', {
        tripId: trip.id,
        text: 'after logout',
        clientMessageId: 'c-2',
      });
      assert.ok(['UNAUTHENTICATED', 'disconnected'].includes(late), `chat:send after logout came to ${late}`);
      assert.ok((await closing) < DISCONNECT_BUDGET_MS, 'disconnected within the budget');
      assert.equal(await messagesOf(trip.id), 1, 'nothing stored after logout');
      assert.deepEqual(heard, [], 'the driver got nothing from the ended session');
    },
  );

  test("an operator's SQL revoke disconnects the session's sockets on both nodes within 2 s", async () => {
    const rider = await t.signup('rider');
    const onA = await t.connectSocket(rider.accessToken);
    const onB = await connectToB(rider.accessToken);
    const started = Date.now();
    const closing = [timeUntilDisconnected(onA, started), timeUntilDisconnected(onB, started)];
    await query(t, `UPDATE $schema.sessions SET revoked_at = now(), revoke_reason = 'operator' WHERE user_id = $1`, [
      rider.id,
    ]);
    const [a = Infinity, bTime = Infinity] = await Promise.all(closing);
    assert.ok(a < DISCONNECT_BUDGET_MS && bTime < DISCONNECT_BUDGET_MS, `A ${a} ms, B ${bTime} ms`);
  });

  test(
    "logout on node A closes the same session's socket on node B within 2 s; another session of the user " + 'stays',
    async () => {
      const rider = await t.signup('rider');
      const second = (
        await t.api('POST', '/api/v1/auth/login', { body: { phone: rider.phone, password: 'password-123' } })
      ).body.data.accessToken as string;
      const onB = await connectToB(rider.accessToken);
      const otherSession = await connectToB(second);
      const closing = timeUntilDisconnected(onB);
      assert.equal((await t.api('POST', '/api/v1/auth/logout', { token: rider.accessToken })).status, 204);
      assert.ok((await closing) < DISCONNECT_BUDGET_MS);
      assert.equal(otherSession.connected, true, "the user's other session is untouched");
      const served = await ack(otherSession, 'trip:subscribe', { tripId: '00000000-0000-4000-8000-000000000000' });
      assert.equal(served.error?.code, 'FORBIDDEN', 'and still served (not a member of that trip, but signed in)');
    },
  );

  test(
    "refresh-token reuse, erasure (DELETE /me) and suspension each close the session's socket within 2 " + 's',
    async () => {
      const admin = await t.admin();
      const reused = await t.signup('rider');
      const erased = await t.signup('rider');
      const suspended = await t.signup('driver');
      const sockets = await Promise.all(
        [reused, erased, suspended].map((u: TestUser) => t.connectSocket(u.accessToken)),
      );
      const closing = sockets.map((s) => timeUntilDisconnected(s));
      assert.equal(
        (await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: reused.refreshToken } })).status,
        200,
      );
      assert.equal(
        (await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: reused.refreshToken } })).status,
        401,
        'reuse revokes the family',
      );
      const erasure = await t.api('DELETE', '/api/v1/me', {
        token: erased.accessToken,
        body: { password: 'password-123' },
      });
      assert.ok(erasure.status < 300, JSON.stringify(erasure.body));
      assert.equal(
        (
          await t.api('PATCH', `/api/v1/admin/users/${suspended.id}`, {
            token: admin.accessToken,
            body: { suspended: true },
          })
        ).status,
        200,
      );
      const times = await Promise.all(closing);
      assert.ok(
        times.every((ms) => ms < DISCONNECT_BUDGET_MS),
        `reuse/erasure/suspension: ${times.join(', ')} ms`,
      );
    },
  );

  test('a role change applies to a live socket: a demoted admin leaves the admin room', async () => {
    const user = await t.signup('rider');
    await query(t, `UPDATE $schema.users SET role = 'admin' WHERE id = $1`, [user.id]);
    const socket = await t.connectSocket(user.accessToken);
    const alerts: unknown[] = [];
    socket.on('sos:alert', (p: unknown) => alerts.push(p));
    await query(t, `UPDATE $schema.users SET role = 'rider' WHERE id = $1`, [user.id]);
    const started = Date.now();
    while (Date.now() - started < DISCONNECT_BUDGET_MS) {
      const rooms = await t.app.gateway.io.in('admin').fetchSockets();
      if (!rooms.some((s) => s.data.user?.id === user.id)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const inAdminRoom = (await t.app.gateway.io.in('admin').fetchSockets()).some((s) => s.data.user?.id === user.id);
    assert.equal(inAdminRoom, false, 'left the admin room within the budget');
    assert.equal(socket.connected, true, 'a role change does not end the session');
  });

  // Last: it stops node B's LISTEN connection.
  test("an ended session's socket is refused UNAUTHENTICATED on its next event, before any disconnect", async () => {
    const { rider, trip } = await chattingPair();
    const socket = await connectToB(rider.accessToken);
    assert.equal((await ack(socket, 'chat:send', { tripId: trip.id, text: 'hi', clientMessageId: 'b-1' })).ok, true);
    // B hears nothing from now on, so no disconnect can come; it trusts no cached session either and asks Postgres.
    await b.platform.listener.stop();
    await query(t, `UPDATE $schema.sessions SET revoked_at = now() WHERE user_id = $1`, [rider.id]);
    const refused = await ack(socket, 'chat:send', { tripId: trip.id, text: 'after revoke', clientMessageId: 'b-2' });
    assert.deepEqual([refused.ok, refused.error?.code], [false, 'UNAUTHENTICATED']);
    assert.equal(await messagesOf(trip.id), 1, 'nothing stored');
    assert.ok((await timeUntilDisconnected(socket)) < DISCONNECT_BUDGET_MS, 'and the refused socket is then closed');
  });
});
