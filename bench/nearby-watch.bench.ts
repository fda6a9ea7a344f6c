/**
 * `npm run bench:nearby-watch`: what `nearby:watch` costs the server.
 *
 * BENCH_WATCHERS riders (2,000) keep a real Socket.IO connection and watch a
 * 2 km circle somewhere in Greater Cairo while BENCH_DRIVERS drivers (16,000)
 * move every tick in the memory hot state. Per tick it measures
 *
 *   watch     NearbyWatchers.tick(): geo query per watched area + emit of the update
 *   baseline  the same sockets each sent a precomputed update of the same size (bare emit)
 *
 * and reports server CPU µs per watcher per tick for both, their ratio, and
 * delivery p99 (tick start → the client has the update). Clients live in this
 * process, so CPU is measured only across the server's synchronous part of the
 * tick (the emits are written before tick() resolves).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { MemoryHotState } from '../src/platform/hotstate/index.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { NearbyWatchers } from '../src/modules/location/nearby-watch.js';
import { seededRandom } from '../support/seeded-random.js';
import { distribution, machine, ratio, writeResults } from './support/stats.js';
import { writeFigures } from './support/figures.js';

const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 2_000);
const DRIVERS = Number(process.env.BENCH_DRIVERS ?? 16_000);
const TICKS = Number(process.env.BENCH_TICKS ?? 10);
const TAHRIR = { lat: 30.0444, lng: 31.2357 };
const SPREAD_DEG = 0.2;

const random = seededRandom(17);
const around = (spread: number) => ({
  lat: TAHRIR.lat + (random() - 0.5) * 2 * spread,
  lng: TAHRIR.lng + (random() - 0.5) * 2 * spread,
});

async function moveDrivers(hot: MemoryHotState, at: number) {
  for (let i = 0; i < DRIVERS; i++) {
    const p = around(SPREAD_DEG);
    await hot.upsertDriverPosition({
      driverId: `d${i}`,
      ...p,
      heading: 90,
      vehicleClass: 'economy',
      available: true,
      at,
    });
  }
}

async function connectAll(url: string, server: Server): Promise<{ clients: ClientSocket[]; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  server.on('connection', (s) => sockets.push(s));
  const clients: ClientSocket[] = [];
  for (let i = 0; i < WATCHERS; i += 200) {
    const batch = Array.from({ length: Math.min(200, WATCHERS - i) }, () =>
      connect(url, { transports: ['websocket'], reconnection: false }),
    );
    await Promise.all(batch.map((c) => new Promise<void>((r) => c.once('connect', () => r()))));
    clients.push(...batch);
  }
  return { clients, sockets };
}

/** CPU µs of `work`'s synchronous part and its promise, and when every client had its message. */
async function measure(clients: ClientSocket[], event: string, work: () => Promise<void> | void) {
  const latencies: number[] = [];
  const start = performance.now();
  const arrived = Promise.all(
    clients.map((c) => new Promise<void>((r) => c.once(event, () => (latencies.push(performance.now() - start), r())))),
  );
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  await arrived;
  return { cpuUsPerWatcher: (used.user + used.system) / clients.length, latencies };
}

async function main() {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'] });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const hot = new MemoryHotState();
  const watchers = new NearbyWatchers({ hotState: hot, log: createLogger('silent'), tickMs: 3_600_000 });
  await moveDrivers(hot, Date.now());
  const { clients, sockets } = await connectAll(url, server);
  const first = clients.map((c) => new Promise<void>((r) => c.once('nearby:update', () => r())));
  for (const s of sockets) watchers.watch(s, { ...around(0.15), radiusKm: 2 });
  await Promise.all(first);

  const watchCpu: number[] = [];
  const baseCpu: number[] = [];
  const watchLatency: number[] = [];
  const baseLatency: number[] = [];
  let sample: unknown = { drivers: [] };
  clients[0]!.on('nearby:update', (u: unknown) => (sample = u));
  for (let t = 0; t < TICKS; t++) {
    await moveDrivers(hot, Date.now());
    const watch = await measure(clients, 'nearby:update', () => watchers.tick());
    watchCpu.push(watch.cpuUsPerWatcher);
    watchLatency.push(...watch.latencies);
    const base = await measure(clients, 'bare', () => sockets.forEach((s) => s.emit('bare', sample)));
    baseCpu.push(base.cpuUsPerWatcher);
    baseLatency.push(...base.latencies);
  }
  watchers.stop();
  clients.forEach((c) => c.disconnect());
  server.close();

  const watch = { cpuUsPerWatcher: distribution(watchCpu), deliveryMs: distribution(watchLatency) };
  const baseline = { cpuUsPerWatcher: distribution(baseCpu), deliveryMs: distribution(baseLatency) };
  const results = {
    bench: 'nearby-watch',
    at: new Date().toISOString(),
    machine: machine(),
    watchers: WATCHERS,
    drivers: DRIVERS,
    ticks: TICKS,
    markersInSample: (sample as { drivers: unknown[] }).drivers.length,
    watch,
    baseline,
    cpuRatio: ratio(watch.cpuUsPerWatcher.mean, baseline.cpuUsPerWatcher.mean),
  };
  const path = writeResults('nearby-watch', results);
  writeFigures('nearby-watch', [
    {
      figure: `CPU per watcher per tick, ${WATCHERS} watchers`,
      unit: 'µs',
      smartline: watch.cpuUsPerWatcher.mean,
      baselineName: 'bare emit of the same payload',
      baseline: baseline.cpuUsPerWatcher.mean,
    },
    {
      figure: 'delivery p99',
      unit: 'ms',
      smartline: watch.deliveryMs.p99,
      baselineName: 'bare emit',
      baseline: baseline.deliveryMs.p99,
    },
  ]);
  process.stdout.write(
    `nearby:watch ${WATCHERS} watchers, ${DRIVERS} drivers: ${watch.cpuUsPerWatcher.mean} µs CPU/watcher/tick ` +
      `(bare emit ${baseline.cpuUsPerWatcher.mean} µs, ratio ${results.cpuRatio}), delivery p99 ` +
      `${watch.deliveryMs.p99} ms (bare ${baseline.deliveryMs.p99} ms) → ${path}\n`,
  );
  process.exit(0);
}

void main();
