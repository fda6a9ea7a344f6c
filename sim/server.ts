/**
 * The simulator's own SmartLine: the real app (createPlatform + buildApp, as
 * bench/api.bench.ts starts it) on a free port, HTTP and job worker, in a
 * fresh schema dropped at the end. DATABASE_URL if set, else an embedded
 * Postgres of its own. Dispatch rounds are shrunk by 1 / speed so a
 * simulated minute of searching takes a real minute / speed.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { createPlatform } from '../src/platform/runtime.js';
import { buildApp } from '../src/app.js';
import { createProcessLogger } from '../src/platform/observability/logger.js';
import { metricsRegistry } from '../src/platform/observability/metrics.js';
import { dropScratchSchema } from '../support/scratch-schema.js';

export type BatchMode = 'off' | 'greedy' | 'munkres';

export interface ServerOptions {
  speed: number;
  batchMode: BatchMode;
  /** Batch window in simulated milliseconds. */
  batchWindowSimMs: number;
  logLevel: string;
}

export interface SimServer {
  url: string;
  admin: { phone: string; password: string };
  /**
   * Batched assignment as the server saw it (in-process only): how many trips each solve had to share drivers among.
   */
  batches(): Promise<{ solves: number; meanTrips: number } | null>;
  close(): Promise<void>;
}

/** Reads the dispatch batch-size histogram of this process's registry. */
async function readBatches(): Promise<{ solves: number; meanTrips: number } | null> {
  const metric = metricsRegistry.getSingleMetric('smartline_dispatch_batch_size');
  if (!metric) return null;
  const { values } = await metric.get();
  const pick = (suffix: string) =>
    values.find((v) => (v as { metricName?: string }).metricName?.endsWith(suffix))?.value ?? 0;
  const solves = pick('_count');
  return { solves, meanTrips: solves === 0 ? 0 : Math.round((pick('_sum') / solves) * 100) / 100 };
}

export const ADMIN = { phone: '+201009999990', password: 'sim-admin-password' };
// The server clamps the batch window to 10 ms .. 10 s of real time.
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export async function startServer(opts: ServerOptions): Promise<SimServer> {
  const schema = `sim_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: process.env.NODE_ENV ?? 'test',
    DB_SCHEMA: schema,
    // ≤ 20: the machine Postgres is shared.
    DB_POOL_MAX: String(Math.min(20, Number(process.env.DB_POOL_MAX ?? 20))),
    EMBEDDED_PG_DIR: process.env.EMBEDDED_PG_DIR ?? '.data/sim-pg',
    EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? '54339',
    LOG_LEVEL: opts.logLevel,
    RATE_LIMITS_DISABLED: 'true',
    ADMIN_PHONE: ADMIN.phone,
    ADMIN_PASSWORD: ADMIN.password,
    DISPATCH_TIME_SCALE: String(Math.min(1, 1 / opts.speed)),
    // Agents drive simulated km/h but stamp fixes with real time: at speed S the implied speed is S times higher,
    // so the impossible-jump limit (250 km/h) is scaled the same way (a 50 km spoofed jump is still far beyond it).
    GPS_MAX_SPEED_KMH: String(250 * Math.max(1, opts.speed)),
    // Simulated minutes of silence and of waiting for a start pass S times faster too, so a vanished driver is
    // replaced within the run (never below 4 s: fixes < 2 s apart are coalesced and would look like silence).
    REASSIGN_SILENCE_MS: String(Math.max(4_000, Math.round(180_000 / Math.max(1, opts.speed)))),
    SAFETY_START_DEADLINE_MS: String(Math.max(4_000, Math.round((20 * 60_000) / Math.max(1, opts.speed)))),
    DISPATCH_BATCH_MODE: opts.batchMode,
    DISPATCH_BATCH_WINDOW_MS: String(Math.round(clamp(opts.batchWindowSimMs / opts.speed, 10, 10_000))),
  });
  const platform = await createPlatform(config, { log: createProcessLogger(config) });
  const app = await buildApp(platform);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  await platform.jobs.start();
  app.markStarted();
  const port = (app.http.server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    admin: ADMIN,
    batches: readBatches,
    async close() {
      await app.http.close();
      await platform.jobs.stop();
      const pool = platform.database.pool;
      await dropScratchSchema(pool, schema);
      await platform.close();
    },
  };
}
