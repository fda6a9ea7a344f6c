/**
 * Phase 2 of bench:notify (bench/notify.bench.ts): SOS latency while LOW
 * notifications are queued and being worked on, and the queueing helpers
 * both of its phases use.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { Platform } from '../../src/platform/runtime.js';
import type { App } from '../../src/app.js';
import { notify } from '../../src/modules/notifications/index.js';
import { BENCH_ADMIN } from './bench-app.js';

export async function inChunks(total: number, size: number, fn: (from: number, n: number) => Promise<void>) {
  for (let from = 0; from < total; from += size) await fn(from, Math.min(size, total - from));
}

export async function countWhere(platform: Platform, sql: string): Promise<number> {
  return (await platform.database.pool.query(sql)).rows[0].n as number;
}

export async function signupMany(app: App, n: number): Promise<Array<{ id: string; token: string }>> {
  const users = [];
  for (let i = 0; i < n; i++) {
    const phone = `+2011${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { phone, password: 'password-123', name: `Bench ${i}`, role: 'rider' },
    });
    const body = res.json();
    users.push({ id: body.data.user.id as string, token: body.data.accessToken as string });
  }
  return users;
}

async function connectAdmin(url: string, token: string): Promise<Socket> {
  const socket = ioClient(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  await new Promise<void>((ok, fail) => {
    socket.once('connect', () => ok());
    socket.once('connect_error', fail);
  });
  return socket;
}

/**
 * Queues `lowJobs` LOW notifications, starts the workers, then raises `sosCount` SOS alerts one by one and times them
 * to the admin socket.
 */
export async function sosLatencies(
  platform: Platform,
  app: App,
  url: string,
  { lowJobs, sosCount }: { lowJobs: number; sosCount: number },
) {
  const { db } = platform.database;
  const schema = platform.database.schema;
  const [lowUser, ...riders] = await signupMany(app, sosCount + 1);
  await inChunks(lowJobs, 500, async (from, n) => {
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < n; i++)
        await notify(tx, platform.jobs, {
          userId: lowUser!.id,
          template: 'promo.digest',
          data: { i: from + i },
          priority: 'LOW',
        });
    });
  });
  const login = await app.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: BENCH_ADMIN });
  const admin = await connectAdmin(url, login.json().data.accessToken);
  const received = new Map<string, number>();
  admin.on('sos:alert', (p: { alertId: string }) => received.set(p.alertId, performance.now()));
  // LOW fan-out jobs not yet run (each one that runs queues a LOW send job in its place).
  const lowBacklog = () =>
    countWhere(
      platform,
      `SELECT count(*)::int AS n FROM "${schema}_jobs"._private_jobs j JOIN "${schema}_jobs"._private_tasks t ON ` +
        `t.id = j.task_id WHERE t.identifier = 'notifications.deliver' AND j.priority = 20`,
    );
  await platform.jobs.start();
  await sleep(500); // the workers are busy with LOW work
  const backlogAtFirst = await lowBacklog();
  const latencies: number[] = [];
  const acks: number[] = [];
  for (const rider of riders) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1/sos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rider.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lat: 30.05, lng: 31.24 }),
    });
    acks.push(performance.now() - t0);
    const { data } = (await res.json()) as { data: { alertId: string } };
    while (!received.has(data.alertId)) await sleep(1);
    latencies.push(received.get(data.alertId)! - t0);
    await sleep(50);
  }
  const backlogAtLast = await lowBacklog();
  // The CRITICAL queue path: each alert's push to the on-call topic, from the alert row to "sent" (database clock).
  const pushSql =
    `SELECT (extract(epoch FROM d.sent_at - a.created_at) * 1000)::float8 AS ms FROM ` +
    `"${schema}".notification_deliveries d JOIN "${schema}".sos_alerts a ON a.id = d.subject_id WHERE ` +
    `d.subject_type = 'sos_alert' AND d.channel = 'push' AND d.status = 'sent'`;
  let push: number[] = [];
  for (let i = 0; i < 200 && push.length < riders.length; i++, await sleep(50))
    push = (await platform.database.pool.query(pushSql)).rows.map((r) => r.ms as number);
  admin.disconnect();
  await platform.jobs.stop();
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  return { latencies: sorted(latencies), acks: sorted(acks), push: sorted(push), backlogAtFirst, backlogAtLast };
}
