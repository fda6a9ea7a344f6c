/**
 * `npm run bench:sockets`: memory per idle authenticated connection at 5,000
 * connections — the SmartLine gateway (JWT + session check, user room, token
 * timer, per-user registry) against bare Socket.IO in the same run, each
 * server alone in its own process (RSS after a full GC, before and after).
 * Goal: ≤ 20 KB per connection.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_CONNECTIONS (5000), BENCH_SETTLE_MS (3000).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  benchAppEnv,
  closeFleet,
  connectFleet,
  dropSchema,
  seedUsers,
  startServer,
  type ServerProcess,
} from './support/socket-fleet.js';
import { machine, ratio, writeResults } from './support/stats.js';
import { writeFigures } from './support/figures.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 5_000);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3_000);
const WARMUP = 200; // connect/disconnect once first so lazily loaded code and pools are not counted per connection
const GOAL_KB = 20;

const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

async function measureServer(server: ServerProcess, tokens: Array<string | undefined>) {
  closeFleet(await connectFleet(server.url, tokens.slice(0, WARMUP)));
  await sleep(SETTLE_MS);
  const before = await server.memory();
  const started = performance.now();
  const fleet = await connectFleet(server.url, tokens);
  const connectMs = Math.round(performance.now() - started);
  await sleep(SETTLE_MS);
  const after = await server.memory();
  const connected = fleet.filter((s) => s?.connected).length;
  closeFleet(fleet);
  return {
    connections: connected,
    connectMs,
    rssBefore: before.rss,
    rssAfter: after.rss,
    perConnectionKB: kb((after.rss - before.rss) / connected),
    heapPerConnectionKB: kb((after.heapUsed - before.heapUsed) / connected),
  };
}

async function main() {
  const schema = `bench_sockets_${randomBytes(3).toString('hex')}`;
  const bare = await startServer('bare');
  const baseline = await measureServer(
    bare,
    Array.from({ length: CONNECTIONS }, () => undefined),
  );
  await bare.stop();

  const app = await startServer('smartline', benchAppEnv(schema));
  try {
    const riders = await seedUsers(schema, CONNECTIONS, 'rider');
    const smartline = await measureServer(
      app,
      riders.map((r) => r.token),
    );
    const results = {
      ranAt: new Date().toISOString(),
      machine: machine(),
      settings: { connections: CONNECTIONS, settleMs: SETTLE_MS, goalKB: GOAL_KB },
      baseline,
      smartline,
      ratio: ratio(smartline.perConnectionKB, baseline.perConnectionKB),
      goalMet: smartline.perConnectionKB <= GOAL_KB,
    };
    const path = writeResults('sockets', results);
    writeFigures('sockets', [
      {
        figure: `RSS per idle authenticated connection, ${CONNECTIONS}`,
        unit: 'KB',
        smartline: smartline.perConnectionKB,
        baselineName: 'bare Socket.IO',
        baseline: baseline.perConnectionKB,
        goal: { on: 'smartline', atMost: GOAL_KB },
      },
    ]);
    process.stdout.write(
      `bare Socket.IO  ${baseline.connections} idle connections: ${baseline.perConnectionKB} KB RSS each (heap ` +
        `${baseline.heapPerConnectionKB} KB), connected in ${baseline.connectMs} ms\n`,
    );
    process.stdout.write(
      `SmartLine       ${smartline.connections} idle authenticated connections: ${smartline.perConnectionKB} KB ` +
        `RSS each (heap ${smartline.heapPerConnectionKB} KB), connected in ${smartline.connectMs} ms\n`,
    );
    process.stdout.write(`ratio smartline/bare: ${results.ratio}\n`);
    process.stdout.write(
      `SUMMARY sockets: ${smartline.perConnectionKB} KB per idle authenticated connection at ${CONNECTIONS} (bare ` +
        `${baseline.perConnectionKB} KB, ${results.ratio}x); ` +
        `goal ≤ ${GOAL_KB} KB ${results.goalMet ? 'met' : 'MISSED'} -> ${path}\n`,
    );
  } finally {
    await app.stop();
    await dropSchema(schema);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
