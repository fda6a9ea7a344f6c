/**
 * A Socket.IO server in its own process, driven over IPC by the socket
 * benches, so its memory can be measured alone and the load generator does
 * not share its event loop.
 *
 *   bare       — plain Socket.IO 4 (websocket only), every event acked at once:
 *                the ceiling this box and this client can reach.
 *   smartline  — the real app (`buildApp`): handshake auth, rooms, the event
 *                pipeline and location ingest; config from env BENCH_APP_ENV (JSON).
 *
 * Messages: → {cmd:'measure'} answers {rss, heapUsed} after a full GC;
 * → {cmd:'cpu'} answers {cpuUs, loopActiveMs, loopIdleMs} (process CPU time and
 * event-loop busy/idle totals so far); → {cmd:'profile-start'} / {cmd:'profile-stop', path} record a V8 CPU
 * profile between the two and write it to path; → {cmd:'stop'} closes and exits.
 * First message out: {ready: true, port}.
 * Run with `--expose-gc`.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';

type Mode = 'bare' | 'smartline';

interface Running {
  port: number;
  stop(): Promise<void>;
}

async function startBare(): Promise<Running> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false });
  io.on('connection', (socket) => {
    socket.onAny((...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack === 'function') ack({ ok: true, data: { accepted: true } });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

async function startSmartline(): Promise<Running> {
  const { loadConfig } = await import('../../src/config.js');
  const { createPlatform } = await import('../../src/platform/runtime.js');
  const { buildApp } = await import('../../src/app.js');
  const { createLogger } = await import('../../src/platform/observability/logger.js');
  const config = loadConfig(JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>);
  const platform = await createPlatform(config, { log: createLogger(config.LOG_LEVEL) });
  const app = await buildApp(platform);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: (app.http.server.address() as AddressInfo).port,
    stop: async () => {
      await app.http.close();
      await platform.close();
    },
  };
}

function measure() {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

function cpuSoFar() {
  const { user, system } = process.cpuUsage();
  const { active, idle } = performance.eventLoopUtilization();
  return { cpuUs: user + system, loopActiveMs: active, loopIdleMs: idle };
}

/** A V8 CPU profile of just the measured phase (`--cpu-prof` would add start-up and the fleet's handshakes). */
const profiler = new Session();

async function startProfile() {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

async function stopProfile(path: string) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(path, JSON.stringify(profile));
  profiler.disconnect();
}

async function main() {
  const mode = process.argv[2] as Mode;
  const running = mode === 'bare' ? await startBare() : await startSmartline();
  process.on('message', (msg: { cmd: string; path?: string }) => {
    if (msg.cmd === 'measure') process.send!({ memory: measure() });
    if (msg.cmd === 'cpu') process.send!({ cpu: cpuSoFar() });
    if (msg.cmd === 'profile-start') void startProfile().then(() => process.send!({ profiling: true }));
    if (msg.cmd === 'profile-stop') void stopProfile(msg.path!).then(() => process.send!({ profiling: false }));
    if (msg.cmd === 'stop') void running.stop().finally(() => process.exit(0));
  });
  process.send!({ ready: true, port: running.port });
}

main().catch((err: unknown) => {
  process.stderr.write(`socket-server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
