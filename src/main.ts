import { ConfigError, loadConfig, type Config } from './config.js';
import { persistDevSecrets } from './dev-secrets.js';
import { createProcessLogger } from './platform/observability/logger.js';
import { startTracing } from './platform/observability/tracing.js';
import type { Platform } from './platform/runtime.js';
import { lowerOwnPriority } from './platform/jobs/worker-priority.js';

const ROLES = ['serve', 'worker', 'all', 'migrate', 'admin'] as const;
type Role = (typeof ROLES)[number];

function parseRole(argv: string[]): Role {
  const role = (argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    process.stderr.write(`usage: smartline <${ROLES.join('|')}>\n`);
    process.exit(2);
  }
  return role;
}

/** The environment's config, with development secrets kept in DATA_DIR when the environment sets none. */
function readConfig(): { config: Config; devSecretsPath?: string } {
  try {
    return persistDevSecrets(loadConfig());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Stops everything in order, but never takes longer than the configured budget.
 * Exits with `process.exitCode` (0 unless a failure set it). Returns the
 * shutdown so a fatal condition can start it too.
 */
function installShutdown(platform: Platform, stops: Array<() => Promise<unknown>>): (reason: string) => void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    platform.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      platform.log.error('shutdown budget exceeded; exiting');
      process.exit(1);
    }, platform.config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    for (const stop of stops) await stop().catch((err: unknown) => platform.log.error({ err }, 'shutdown step failed'));
    await platform.close().catch((err: unknown) => platform.log.error({ err }, 'closing platform failed'));
    process.exit();
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return (reason) => void shutdown(reason);
}

async function main() {
  const role = parseRole(process.argv);
  const { config, devSecretsPath } = readConfig();
  // Backup/restore run without the app (no migrations, no workers): see src/admin-cli.
  if (role === 'admin') {
    const { runAdminCli } = await import('./admin-cli/index.js');
    process.exit(await runAdminCli(process.argv.slice(3), config));
  }
  // Tracing must hook module loading before pg and ioredis are imported,
  // hence the app's modules are imported only after it (and dynamically).
  const log = createProcessLogger(config, { role });
  if (devSecretsPath)
    log.warn(
      { file: devSecretsPath, secrets: config.generatedSecrets },
      'development secrets generated for this install (never for production)',
    );
  const tracing = await startTracing(config, { log });
  const { createPlatform } = await import('./platform/runtime.js');
  const { APP_VERSION, buildApp } = await import('./app.js');
  const { createProbeServer } = await import('./probe-app.js');
  // The embedded Postgres died for good: exit non-zero so a supervisor (or the newcomer) sees it.
  // Before the shutdown is installed there is nothing to drain, so that exit is immediate.
  let stopNode: (reason: string) => void = () => process.exit();
  const onEmbeddedGiveUp = () => {
    process.exitCode = 1;
    stopNode('embedded postgres gone');
  };
  const platform = await createPlatform(config, { log, onEmbeddedGiveUp, role });
  if (role === 'migrate') {
    await platform.close();
    await tracing?.shutdown();
    return;
  }
  const stops: Array<() => Promise<unknown>> = [];
  if (role === 'serve' || role === 'all') {
    // Before the app registers /console: a fresh clone has no console/dist yet (built offline, issue 19.1).
    const { ensureConsoleBuilt } = await import('./modules/console/index.js');
    await ensureConsoleBuilt(log, { production: config.NODE_ENV === 'production' });
  }
  const app = await buildApp(platform);
  if (role === 'serve' || role === 'all') {
    await app.http.listen({ port: config.PORT, host: config.HOST });
    stops.push(() => app.http.close());
  }
  if (role === 'worker') lowerOwnPriority(config.WORKER_NICE);
  if (role === 'worker' || role === 'all') {
    await platform.jobs.start();
    stops.push(() => platform.jobs.stop());
  }
  // A worker answers only the orchestrator's probes on PORT, never the API.
  const probes = role === 'worker' ? await createProbeServer(platform, APP_VERSION) : undefined;
  if (probes) {
    await probes.http.listen({ port: config.PORT, host: config.HOST });
    stops.push(() => probes.http.close());
    probes.markStarted();
  }
  app.markStarted();
  if (tracing) stops.push(() => tracing.shutdown()); // last: flushes the spans of the shutdown itself
  stopNode = installShutdown(platform, stops);
  log.info({ role, port: config.PORT, database: config.DATABASE_URL ? 'external' : 'embedded' }, 'smartline started');
}

main().catch((err: unknown) => {
  process.stderr.write(`smartline failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
