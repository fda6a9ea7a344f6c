import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { OVERLOAD_OFF, randomPhone } from '../../support/harness.js';
import { ack, CAIRO_DROPOFF, CAIRO_PICKUP, eventually, freePort, next } from './support.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';

// Tests may read the environment: this suite needs a real Redis shared by two processes.
const REDIS_URL = process.env.REDIS_URL;
const DATABASE_URL = process.env.DATABASE_URL;
const skip = !REDIS_URL
  ? 'REDIS_URL not set: multi-node suite skipped'
  : !DATABASE_URL
    ? 'DATABASE_URL not set: multi-node suite skipped'
    : false;
if (skip) console.log(skip);

const ADMIN_PASSWORD = 'admin-password-123';

interface Node {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
}

/** One `smartline serve` process (the real binary entry) on its own port, sharing DB schema and Redis. */
async function startNode(name: string, env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${output.join('')}`);
      return fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
    },
    30_000,
    100,
  );
  return { name, url, child, output };
}

async function call(node: Node, method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

describe('two API nodes sharing Redis', { skip }, () => {
  const schema = `t_multinode_${randomBytes(3).toString('hex')}`;
  const adminPhone = randomPhone();
  let a: Node;
  let b: Node;
  const sockets: ClientSocket[] = [];

  before(async () => {
    const env = {
      DATABASE_URL: DATABASE_URL!,
      REDIS_URL: REDIS_URL!,
      DB_SCHEMA: schema,
      DB_POOL_MAX: '5',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      RATE_LIMITS_DISABLED: 'true',
      ...OVERLOAD_OFF,
      ADMIN_PHONE: adminPhone,
      ADMIN_PASSWORD,
      // Both nodes must sign alike; without these each would use the shared .data/secrets.json.
      JWT_KEYS: `k1:${randomBytes(32).toString('hex')}`,
      QUOTE_SECRET: randomBytes(32).toString('hex'),
    };
    // Sequential: the first migrates the schema, the second finds it done.
    a = await startNode('A', env);
    b = await startNode('B', env);
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    for (const node of [a, b]) {
      if (!node) continue;
      node.child.kill('SIGTERM');
      await new Promise((resolve) => (node.child.exitCode !== null ? resolve(null) : node.child.once('exit', resolve)));
    }
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    await dropScratchSchema(pool, schema);
    await pool.end();
    const redis = new Redis(REDIS_URL!);
    const keys = await redis.keys(`sl:${schema}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const signup = async (node: Node, role: 'rider' | 'driver') => {
    const res = await call(node, 'POST', '/api/v1/auth/signup', {
      body: { phone: randomPhone(), password: 'password-123', name: `N ${role}`, role },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.data.user.id as string, token: res.body.data.accessToken as string };
  };
  const connect = async (node: Node, token: string) => {
    const s = ioClient(node.url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  };

  test('a driver located through A is found by nearby on B; events emitted on B reach a client on A', async () => {
    const admin = await call(a, 'POST', '/api/v1/auth/login', {
      body: { phone: adminPhone, password: ADMIN_PASSWORD },
    });
    const adminToken = admin.body.data.accessToken as string;
    const rider = await signup(a, 'rider');
    const driver = await signup(b, 'driver');
    const vehicle = { make: 'Toyota', model: 'Corolla', plate: 'XYZ 1234', color: 'white' };
    assert.equal(
      (
        await call(b, 'POST', '/api/v1/drivers/me/profile', {
          token: driver.token,
          body: { vehicleClass: 'economy', vehicle },
        })
      ).status,
      201,
    );
    assert.equal(
      (await call(a, 'POST', `/api/v1/admin/drivers/${driver.id}/approve`, { token: adminToken })).status,
      200,
    );
    assert.equal(
      (await call(b, 'POST', '/api/v1/drivers/me/availability', { token: driver.token, body: { available: true } }))
        .status,
      200,
    );

    // Position through A, nearby through B (shared Redis geo index).
    const located = await call(a, 'POST', '/api/v1/location/update', {
      token: driver.token,
      body: { ...CAIRO_PICKUP, timestamp: Date.now() },
    });
    assert.equal(located.body.data.accepted, true);
    const found = await call(b, 'GET', `/api/v1/location/nearby?lat=${CAIRO_PICKUP.lat}&lng=${CAIRO_PICKUP.lng}`, {
      token: rider.token,
    });
    assert.deepEqual(
      found.body.data.map((d: { driverId: string }) => d.driverId),
      [driver.id],
    );

    // Rider's socket on A; everything below is emitted by B.
    const riderSocket = await connect(a, rider.token);
    const driverSocket = await connect(b, driver.token);
    const created = await call(a, 'POST', '/api/v1/trips', {
      token: rider.token,
      body: { pickup: CAIRO_PICKUP, dropoff: CAIRO_DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const tripId = created.body.data.id as string;
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${schema},public` });
    // Dispatch may be offering the same driver right now (it is at the pickup): retry a deadlock with it.
    await eventually(
      () =>
        pool
          .query(
            `INSERT INTO trip_offers (trip_id, driver_id, round, expires_at) VALUES ($1, $2, 1, now() + interval ` +
              `'1 minute') ON CONFLICT DO NOTHING`,
            [tripId, driver.id],
          )
          .then(
            () => true,
            (err: { code?: string }) => {
              if (err.code !== '40P01') throw err;
              return false;
            },
          ),
      5_000,
      20,
    );
    await pool.end();

    const acceptedOnA = next(riderSocket, 'trip:accepted', 10_000);
    const res = await call(b, 'POST', `/api/v1/trips/${tripId}/driver-response`, {
      token: driver.token,
      body: { action: 'accept' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const accepted = await acceptedOnA;
    assert.deepEqual([accepted.tripId, accepted.to], [tripId, 'accepted']);

    // B joined the rider's socket on A to trip:{id}: B's live position reaches it.
    const positionOnA = next(riderSocket, 'trip:driver_location', 10_000);
    const moved = await ack(driverSocket, 'driver:location_update', {
      ...CAIRO_PICKUP,
      lat: CAIRO_PICKUP.lat + 0.001,
      timestamp: Date.now() + 3_000,
    }); // > 2 s after the first fix
    assert.equal(moved.data.accepted, true);
    assert.equal((await positionOnA).tripId, tripId);
  });
});
