/**
 * The in-process SmartLine app a bench measures: test mode on its own
 * schema, silent logs, no rate limits (a bench is one client making many
 * requests), and a known admin. Each bench adds only what it varies.
 */
import { loadConfig } from '../../src/config.js';
import { createPlatform } from '../../src/platform/runtime.js';
import { buildApp } from '../../src/app.js';
import { createLogger } from '../../src/platform/observability/logger.js';

/** The admin every bench app seeds (a schema of its own, so one phone serves every bench). */
export const BENCH_ADMIN = { phone: '+201009999999', password: 'bench-admin-password' };

export async function startBenchApp(opts: {
  databaseUrl: string;
  schema: string;
  env?: Record<string, string | undefined>;
}) {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: opts.databaseUrl,
    DB_SCHEMA: opts.schema,
    LOG_LEVEL: 'silent',
    RATE_LIMITS_DISABLED: 'true',
    ADMIN_PHONE: BENCH_ADMIN.phone,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    DB_POOL_MAX: '20',
    ...opts.env,
  });
  const platform = await createPlatform(config, { log: createLogger('silent') });
  const app = await buildApp(platform);
  return { config, platform, app };
}
