/**
 * One SmartLine server for bench/tracing.bench.ts, in its own process so that
 * tracing can be on or off from the first import (the module hook must come
 * before pg is loaded). Env: BENCH_TRACING (on|off), BENCH_SCHEMA,
 * BENCH_RIDERS, BENCH_TOKENS_FILE, DATABASE_URL. Prints one JSON line when
 * ready, answers 'cpu' IPC messages with process.cpuUsage(), cleans up its
 * schema on SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config.js';
import { startTracing } from '../../src/platform/observability/tracing.js';

const TRACING = process.env.BENCH_TRACING === 'on';
// No exporter in either mode: the bench measures instrumentation, not a collector.
const tracingEnv = { TRACING_ENABLED: TRACING ? 'true' : 'false', OTEL_EXPORTER_OTLP_ENDPOINT: undefined };

async function main() {
  const tracing = await startTracing(loadConfig({ NODE_ENV: 'test', ...tracingEnv }));
  if (TRACING !== (tracing !== undefined)) throw new Error(`tracing should be ${TRACING ? 'on' : 'off'}`);
  // Imported only now, after the hook (as src/main.ts does).
  const { seedRiders, seedTrip, startSmartline } = await import('./api-app.js');
  const server = await startSmartline(process.env.BENCH_SCHEMA!, process.env.DATABASE_URL!, tracingEnv);
  const seeded = await seedTrip(server.platform, server.app);
  writeFileSync(
    process.env.BENCH_TOKENS_FILE!,
    JSON.stringify(await seedRiders(server.platform, Number(process.env.BENCH_RIDERS))),
  );
  process.on('SIGTERM', () => {
    void server
      .close()
      .then(() => tracing?.shutdown())
      .finally(() => process.exit(0));
  });
  // CPU time is what tracing adds; the parent reads it around each run (less noisy than req/s on a shared box).
  process.on('message', (msg) => {
    if (msg === 'cpu') process.send!(process.cpuUsage());
  });
  process.stdout.write(
    `${JSON.stringify({ url: server.url, tripId: seeded.tripId, riderToken: seeded.riderToken })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
