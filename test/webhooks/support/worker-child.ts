/**
 * Child process of the webhook kill suite: a worker node on the parent's
 * schema (DATABASE_URL, DB_SCHEMA and the WEBHOOK_* settings from the env).
 * Prints `ready` once its job worker runs; the parent kills it with SIGKILL
 * while a delivery hangs in flight.
 */
import { loadConfig } from '../../../src/config.js';
import { createPlatform } from '../../../src/platform/runtime.js';
import { buildApp } from '../../../src/app.js';
import { createLogger } from '../../../src/platform/observability/logger.js';

const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMITS_DISABLED: 'true' });
const platform = await createPlatform(config, { log: createLogger('silent') });
await buildApp(platform);
await platform.jobs.start();
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
