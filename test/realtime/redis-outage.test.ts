import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { ack, acceptedTrip, CAIRO_PICKUP, eventually, freePort, next } from './support.js';

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  await eventually(
    async () =>
      probe
        .connect()
        .then(() => probe.ping())
        .then(
          () => true,
          () => false,
        ),
    5_000,
    50,
  );
  probe.disconnect();
  return child;
}

const hasRedisServer = await new Promise<boolean>((resolve) => {
  const p = spawn('redis-server', ['--version'], { stdio: 'ignore' });
  p.on('error', () => resolve(false));
  p.on('exit', (code) => resolve(code === 0));
});
const skip = hasRedisServer ? false : 'redis-server binary not found: Redis outage suite skipped';
if (skip) console.log(skip);

describe('Redis going away mid-run', { skip }, () => {
  let t: TestApp;
  let redis: ChildProcess | undefined;
  let port: number;
  before(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await startTestApp('rt_redis_down', { REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  after(async () => {
    await t?.close();
    redis?.kill('SIGKILL');
  });

  const ready = async () => (await t.api('GET', '/health/ready')).body;

  test(
    'the node degrades to single-node (readiness degraded) and keeps serving sockets, positions and ' + 'nearby',
    async () => {
      assert.deepEqual((await ready()).checks.hotState, { ok: true, adapter: 'redis' });
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const riderSocket = await t.connectSocket(rider.accessToken);
      const driverSocket = await t.connectSocket(driver.accessToken);
      const accepted = next(riderSocket, 'trip:accepted');
      const trip = await acceptedTrip(t, rider, driver);
      await accepted;

      redis!.kill('SIGKILL');
      redis = undefined;
      const degraded = await eventually(
        async () => {
          const body = await ready();
          return body.status === 'degraded' ? body : null;
        },
        5_000,
        50,
      );
      assert.deepEqual(degraded.checks.hotState, { ok: false, adapter: 'redis' });
      assert.equal(
        (await t.api('GET', '/health/ready')).status,
        200,
        'degraded is still ready: the node keeps serving',
      );

      const update = await ack(driverSocket, 'driver:location_update', { ...CAIRO_PICKUP, timestamp: Date.now() });
      assert.deepEqual(update, { ok: true, data: { accepted: true } });
      const arrived = next(riderSocket, 'trip:arrived');
      const moved = await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
        token: driver.accessToken,
        body: { status: 'arrived' },
      });
      assert.equal(moved.status, 200);
      assert.equal((await arrived).tripId, trip.id, "status events still reach this node's sockets");

      const other = await t.driver();
      await t.api('POST', '/api/v1/location/update', {
        token: other.accessToken,
        body: { ...CAIRO_PICKUP, timestamp: Date.now() },
      });
      const found = await t.api('GET', `/api/v1/location/nearby?lat=${CAIRO_PICKUP.lat}&lng=${CAIRO_PICKUP.lng}`, {
        token: rider.accessToken,
      });
      assert.equal(found.status, 200);
      assert.deepEqual(
        found.body.data.map((d: { driverId: string }) => d.driverId),
        [other.id],
        "nearby answers from this node's memory",
      );
      const late = await t.connectSocket((await t.signup('rider')).accessToken);
      assert.equal(late.connected, true, 'new connections are accepted (rate limits fall back to memory)');

      redis = await startRedis(port);
      await eventually(async () => (await ready()).status === 'ok', 10_000, 100);
      riderSocket.disconnect();
      driverSocket.disconnect();
      late.disconnect();
    },
  );
});
