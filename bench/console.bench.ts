/**
 * `npm run bench:console`: what the console's live map costs, issue 19.
 *
 * BENCH_DRIVERS drivers (10,000) each send a fix every BENCH_MOVE_S (3 s) into the memory hot state while
 * BENCH_CONSOLES consoles (5) keep a real Socket.IO connection. Over BENCH_TICKS feed ticks (FLEET_TICK_MS) it
 * measures, per open console,
 *
 *   delta     the node's feed: read hot state, diff (FleetState), one `fleet:delta` per tick to the room
 *   forward   the baseline: every fix forwarded to the room as its own event as it arrives
 *
 * bytes/s received and server CPU ms per second (the synchronous diff + emit work; the clients live in this process
 * and are not counted), and their ratio. The feed's two Postgres reads per tick (trips under way, offered drivers)
 * are per node, not per console, and are left out of both sides.
 *
 * Then, with DATABASE_URL and Chromium: the time a dispatcher's page takes from navigation to showing all
 * BENCH_DRIVERS markers, against the same page with no driver (sign-in and load alone) in the same run.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { MemoryHotState, type DriverPositionInput } from '../src/platform/hotstate/index.js';
import { FLEET_TICK_MS } from '../src/modules/console/index.js';
import { FleetState } from '../src/modules/console/fleet-state.js';
import { seededRandom } from '../support/seeded-random.js';
import { machine, ratio, writeResults } from './support/stats.js';
import { pageTimes } from './support/console-page.js';

const DRIVERS = Number(process.env.BENCH_DRIVERS ?? 10_000);
const CONSOLES = Number(process.env.BENCH_CONSOLES ?? 5);
const TICKS = Number(process.env.BENCH_TICKS ?? 10);
const MOVE_S = Number(process.env.BENCH_MOVE_S ?? 3);
const ROOM = 'fleet';
const TAHRIR = { lat: 30.0444, lng: 31.2357 };

const random = seededRandom(19);
const CLASSES = ['economy', 'comfort', 'premium', 'xl'];

function initialDrivers(): DriverPositionInput[] {
  return Array.from({ length: DRIVERS }, (_, i) => ({
    driverId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    lat: TAHRIR.lat + (random() - 0.5) * 0.4,
    lng: TAHRIR.lng + (random() - 0.5) * 0.4,
    heading: 90,
    vehicleClass: CLASSES[i % CLASSES.length]!,
    available: i % 3 !== 0,
    at: Date.now(),
  }));
}

/** The drivers whose 3 s fix falls in tick `n` (each driver has its own phase), moved ~30 m. */
function movesOfTick(drivers: DriverPositionInput[], n: number, at: number): DriverPositionInput[] {
  const perTick = (FLEET_TICK_MS / 1000 / MOVE_S) * drivers.length;
  const from = Math.floor((n * perTick) % drivers.length);
  const moved: DriverPositionInput[] = [];
  for (let k = 0; k < perTick; k++) {
    const d = drivers[(from + k) % drivers.length]!;
    d.lat += (random() - 0.5) * 0.0005;
    d.lng += (random() - 0.5) * 0.0005;
    d.at = at;
    moved.push({ ...d });
  }
  return moved;
}

interface Side {
  bytes: number;
  cpuUs: number;
}

async function connectConsoles(url: string, server: Server): Promise<{ clients: ClientSocket[]; counters: Side[] }> {
  server.on('connection', (s) => void s.join(ROOM));
  const clients = Array.from({ length: CONSOLES }, () =>
    connect(url, { transports: ['websocket'], reconnection: false }),
  );
  await Promise.all(clients.map((c) => new Promise<void>((r) => c.once('connect', () => r()))));
  const counters = clients.map(() => ({ bytes: 0, cpuUs: 0 }));
  clients.forEach((c, i) =>
    c.onAny((_event: string, ...args: unknown[]) => (counters[i]!.bytes += JSON.stringify(args).length)),
  );
  return { clients, counters };
}

/** Waits until every console received `count` more messages of `event` (or a second passes with none). */
function received(clients: ClientSocket[], event: string, count: number): Promise<void> {
  return Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          let left = count;
          if (left <= 0) return resolve();
          const on = () => {
            if (--left <= 0) {
              c.off(event, on);
              resolve();
            }
          };
          c.on(event, on);
        }),
    ),
  ).then(() => undefined);
}

const cpuUs = (u: NodeJS.CpuUsage) => u.user + u.system;

async function runDelta(server: Server, hot: MemoryHotState, drivers: DriverPositionInput[], clients: ClientSocket[]) {
  const state = new FleetState();
  const side: Side = { bytes: 0, cpuUs: 0 };
  const readAndSend = async () => {
    const started = process.cpuUsage();
    const delta = state.apply({ drivers: await hot.listDriverPositions(), trips: [], offered: new Set() });
    if (delta) server.to(ROOM).emit('fleet:delta', delta);
    side.cpuUs += cpuUs(process.cpuUsage(started));
    return delta !== null;
  };
  await readAndSend(); // the first picture (a console's snapshot), not counted below
  side.cpuUs = 0;
  for (let n = 0; n < TICKS; n++) {
    for (const d of movesOfTick(drivers, n, Date.now())) await hot.upsertDriverPosition(d);
    const arrived = received(clients, 'fleet:delta', 1);
    if (await readAndSend()) await arrived;
  }
  return side;
}

async function runForward(server: Server, drivers: DriverPositionInput[], clients: ClientSocket[]) {
  const side: Side = { bytes: 0, cpuUs: 0 };
  for (let n = 0; n < TICKS; n++) {
    const moves = movesOfTick(drivers, n, Date.now());
    const arrived = received(clients, 'driver:location', moves.length);
    const started = process.cpuUsage();
    for (const d of moves)
      server.to(ROOM).emit('driver:location', {
        driverId: d.driverId,
        lat: d.lat,
        lng: d.lng,
        vehicleClass: d.vehicleClass,
        available: d.available,
        at: d.at,
      });
    side.cpuUs += cpuUs(process.cpuUsage(started));
    await arrived;
  }
  return side;
}

async function feedCosts() {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'] });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const hot = new MemoryHotState();
  const drivers = initialDrivers();
  for (const d of drivers) await hot.upsertDriverPosition(d);
  const { clients, counters } = await connectConsoles(url, server);
  const seconds = (TICKS * FLEET_TICK_MS) / 1000;
  const perConsole = (side: Side) => {
    const bytes = counters.reduce((a, c) => a + c.bytes, 0) / CONSOLES;
    counters.forEach((c) => (c.bytes = 0));
    return {
      bytesPerS: Math.round(bytes / seconds),
      serverCpuMsPerS: Math.round((side.cpuUs / 1000 / seconds / CONSOLES) * 1000) / 1000,
    };
  };
  counters.forEach((c) => (c.bytes = 0));
  const delta = perConsole(await runDelta(server, hot, drivers, clients));
  const forward = perConsole(await runForward(server, drivers, clients));
  clients.forEach((c) => c.disconnect());
  server.close();
  return { seconds, delta, forward };
}

async function main() {
  const loadBefore = loadavg()[0];
  const feed = await feedCosts();
  const page = process.env.DATABASE_URL ? await pageTimes(DRIVERS) : { skipped: 'no DATABASE_URL' };
  const results = {
    bench: 'console',
    at: new Date().toISOString(),
    machine: machine(),
    load1: [loadBefore, loadavg()[0]],
    drivers: DRIVERS,
    consoles: CONSOLES,
    moveEveryS: MOVE_S,
    tickMs: FLEET_TICK_MS,
    ...feed,
    bytesRatio: ratio(feed.forward.bytesPerS, feed.delta.bytesPerS),
    cpuRatio: ratio(feed.forward.serverCpuMsPerS, feed.delta.serverCpuMsPerS),
    page,
  };
  const path = writeResults('console', results);
  const pageLine =
    'allMarkersMs' in page
      ? `; page shows ${DRIVERS} markers in ${page.allMarkersMs} ms (empty map ${page.emptyMapMs} ms)`
      : `; page timing skipped (${page.skipped})`;
  process.stdout.write(
    `console feed, ${DRIVERS} drivers every ${MOVE_S} s, per console: delta ${feed.delta.bytesPerS} B/s and ` +
      `${feed.delta.serverCpuMsPerS} ms CPU/s vs forwarding ${feed.forward.bytesPerS} B/s and ` +
      `${feed.forward.serverCpuMsPerS} ms CPU/s (forward/delta: bytes ×${results.bytesRatio}, CPU ×${results.cpuRatio})` +
      `${pageLine} → ${path}\n`,
  );
  process.exit(0);
}

void main();
