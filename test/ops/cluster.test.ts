/**
 * Issue 21.6: `npm run cluster -- --nodes N` starts the compose shape without Docker. Through its balancer
 * requests reach different nodes, a socket event emitted on one node reaches clients on another (Redis streams
 * adapter), and SIGTERM leaves no child process behind. Redis only: the cluster refuses to start without it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { OVERLOAD_OFF } from '../../support/harness.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';
import { eventually } from '../support/fixtures.js';
import { next } from '../realtime/support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REDIS_URL = process.env.REDIS_URL;
const NODES = 2;
const START_TIMEOUT_MS = 300_000;
const schema = `t_cluster_${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'smartline-cluster-'));
if (!REDIS_URL) process.stdout.write('# cluster suite skipped: REDIS_URL is not set (the cluster needs Redis)\n');

after(async () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await dropScratchSchema(client, schema);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

const portFree = (port: number) =>
  new Promise<boolean>((done) => {
    const probe = createServer().once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });

/** A run of consecutive free ports: the balancer, the nodes, the worker's probe port. */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    // Below Linux's ephemeral range (32768+), where outgoing connections would take ports from under the nodes.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

async function post(url: string, path: string, body: unknown, token?: string) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data: any };
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

async function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  await new Promise<void>((done, reject) => {
    socket.once('connect', () => done());
    socket.once('connect_error', reject);
  });
  return socket;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test(
  'npm run cluster: balanced nodes, cross-node socket events, clean stop',
  { skip: !REDIS_URL && 'REDIS_URL not set', timeout: START_TIMEOUT_MS + 120_000 },
  async () => {
    const port = await freePorts(NODES + 2);
    const cluster = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts', '--nodes', String(NODES)], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...OVERLOAD_OFF,
        PORT: String(port),
        DB_SCHEMA: schema,
        DATA_DIR: join(dir, 'data'),
        DB_POOL_MAX: '4',
        JOBS_CONCURRENCY: '2',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cluster.stdout.on('data', (c: Buffer) => (output += c.toString()));
    cluster.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const sockets: Socket[] = [];
    try {
      await eventually(
        async () => output.includes('Ctrl-C stops everything') || cluster.exitCode !== null,
        START_TIMEOUT_MS,
        250,
      );
      assert.equal(cluster.exitCode, null, output);
      const pids = [...output.matchAll(/pid (\d+)/g)].map(([, pid]) => Number(pid));
      assert.equal(pids.length, NODES + 1, 'every node and the worker print their pid');
      const balancer = `http://127.0.0.1:${port}`;
      const node = (i: number) => `http://127.0.0.1:${port + i}`;

      // Round robin: consecutive requests through the balancer are answered by different nodes.
      const answered = new Set<string>();
      for (let i = 0; i < NODES * 2; i++)
        answered.add(((await (await fetch(`${balancer}/health/live`)).json()) as any).node);
      assert.deepEqual([...answered].sort(), ['api-1', 'api-2']);

      const rider = await post(balancer, '/auth/signup', {
        phone: `+2010${String(randomBytes(4).readUInt32BE() % 1e8).padStart(8, '0')}`,
        password: 'rider-password-1',
        name: 'Cluster Rider',
        role: 'rider',
      });
      // One socket on api-1 directly, one through the balancer (a proxied websocket); the trip is changed on api-2.
      sockets.push(await connect(node(1), rider.accessToken), await connect(balancer, rider.accessToken));
      const heard = sockets.map((s) => next(s, 'trip:cancelled', 15_000));
      const trip = await post(
        node(2),
        '/trips',
        {
          pickup: { lat: 30.0444, lng: 31.2357 },
          dropoff: { lat: 30.0626, lng: 31.2197 },
          vehicleClass: 'economy',
          paymentMethod: 'cash',
        },
        rider.accessToken,
      );
      await post(node(2), `/trips/${trip.id}/cancel-search`, {}, rider.accessToken);
      for (const payload of await Promise.all(heard)) assert.equal(payload.tripId, trip.id);

      for (const s of sockets) s.disconnect();
      cluster.kill('SIGTERM');
      const [code] = (await once(cluster, 'exit')) as [number | null];
      assert.equal(code, 0, output);
      assert.match(output, /cluster: stopped/);
      assert.deepEqual(pids.filter(alive), [], 'no node or worker outlives the cluster');
      assert.equal(await portFree(port), true, 'the balancer port is released');
    } finally {
      for (const s of sockets) s.disconnect();
      if (cluster.exitCode === null) cluster.kill('SIGKILL');
    }
  },
);
