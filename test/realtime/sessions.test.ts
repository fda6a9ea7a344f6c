import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { ack, connectError, eventually, next } from './support.js';

function tokenExpiryMs(token: string): number {
  return decodeJwt(token).exp! * 1000;
}

describe('socket limits', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('rt_limits', {
      RATE_LIMITS_DISABLED: 'false',
      SOCKET_CONNECTS_PER_IP_PER_MIN: '4',
      SOCKET_EVENTS_PER_10S: '5',
      SOCKET_MAX_PER_USER: '2',
    });
  });
  after(async () => t.close());

  test('per-socket event limit, per-user socket cap, then per-IP connection rate', async () => {
    const rider = await t.signup('rider');
    // 1 connection: a burst of events past the limit is answered RATE_LIMITED with retryAfter.
    const flood = await t.connectSocket(rider.accessToken);
    const replies = await Promise.all(Array.from({ length: 8 }, () => ack(flood, 'no:such', {})));
    const limited = replies.filter((r) => r.error?.code === 'RATE_LIMITED');
    assert.equal(limited.length, 3, JSON.stringify(replies.map((r) => r.error?.code)));
    assert.ok((limited[0]!.error!.details as { retryAfter: number }).retryAfter >= 1);
    flood.disconnect();

    // Connections 2–4: a third socket of one user closes the oldest.
    const user = await t.signup('rider');
    const oldest = await t.connectSocket(user.accessToken);
    const closed = next(oldest, 'disconnect');
    const told = next(oldest, 'socket:error');
    await t.connectSocket(user.accessToken);
    await t.connectSocket(user.accessToken);
    assert.equal((await told).error.code, 'RATE_LIMITED');
    assert.equal(await closed, 'io server disconnect');
    await eventually(() => t.app.gateway.sessions.size === 2);

    // Connection attempt 5 within the minute from this IP is refused before the token is even checked.
    const refused = await connectError(t, user.accessToken);
    assert.equal(refused.data?.code, 'RATE_LIMITED');
    assert.ok((refused.data?.retryAfter ?? 0) >= 1);
  });
});

describe('socket token lifecycle and heartbeat', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('rt_tokens', {
      ACCESS_TOKEN_TTL_S: '10',
      SOCKET_TOKEN_WARNING_S: '5',
      SOCKET_PING_INTERVAL_MS: '200',
      SOCKET_PING_TIMEOUT_MS: '300',
    });
  });
  after(async () => t.close());

  test(
    'auth:token_expiring before expiry; auth:refresh keeps the socket, the other one is closed at ' + 'expiry',
    async () => {
      const rider = await t.signup('rider');
      // Timings are measured against the token's own `exp`: it is whole seconds,
      // so a token signed late in a second lives up to 1 s less than its TTL.
      const expiresAtMs = tokenExpiryMs(rider.accessToken);
      const kept = await t.connectSocket(rider.accessToken);
      const dropped = await t.connectSocket(rider.accessToken);
      const droppedAt = next(dropped, 'disconnect', 15_000).then(() => Date.now());
      const expiredNotice = next(dropped, 'auth:token_expired', 15_000);

      const warning = await next(kept, 'auth:token_expiring', 10_000);
      const warnedBeforeExpiry = expiresAtMs - Date.now();
      assert.ok(
        warnedBeforeExpiry > 3_500 && warnedBeforeExpiry <= 5_000,
        `warned ${warnedBeforeExpiry} ms before expiry (warning 5 s)`,
      );
      assert.ok(Date.parse(warning.expiresAt) - Date.now() <= 6_000);

      const stranger = await t.signup('rider');
      assert.equal((await ack(kept, 'auth:refresh', { token: stranger.accessToken })).error?.code, 'FORBIDDEN');
      assert.equal((await ack(kept, 'auth:refresh', { token: 'garbage' })).error?.code, 'UNAUTHENTICATED');
      const fresh = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: rider.refreshToken } });
      const refreshed = await ack(kept, 'auth:refresh', { token: fresh.body.data.accessToken });
      assert.equal(refreshed.ok, true);
      assert.ok(Date.parse(refreshed.data.expiresAt) > Date.parse(warning.expiresAt));

      await expiredNotice;
      const droppedAfterExpiry = (await droppedAt) - expiresAtMs;
      assert.ok(droppedAfterExpiry >= 0 && droppedAfterExpiry < 2_500, `dropped ${droppedAfterExpiry} ms after expiry`);
      assert.equal(kept.connected, true, 'the refreshed socket outlives the old token');
      kept.disconnect();
    },
  );

  test('a client that stops answering pings is cleaned up (pingInterval + pingTimeout)', async () => {
    const rider = await t.signup('rider');
    const before = t.app.gateway.sessions.size;
    const socket = await t.connectSocket(rider.accessToken);
    assert.equal(t.app.gateway.sessions.size, before + 1);
    // Simulates a phone that vanished without closing TCP: pings are no longer answered.
    const engine = socket.io.engine as unknown as { _sendPacket: (type: string, ...rest: unknown[]) => void };
    const send = engine._sendPacket.bind(engine);
    engine._sendPacket = (type, ...rest) => (type === 'pong' ? undefined : send(type, ...rest));
    const started = Date.now();
    await eventually(() => t.app.gateway.sessions.size === before, 3_000);
    assert.ok(Date.now() - started < 2_000);
    socket.disconnect();
  });
});
