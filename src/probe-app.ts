import type { Platform } from './platform/runtime.js';
import { createHttpServer, type HttpApp } from './platform/http/server.js';
import { registerHealthRoutes } from './modules/health/index.js';
import { registerMetricsRoute } from './modules/ops/index.js';
import { scrapeDepsOf } from './app-access.js';
import { limiterFactory } from './platform/http/rate-limit.js';
import { ipFailureLimit } from './platform/http/failure-limit.js';
import { redisNamespace } from './platform/realtime/redis-namespace.js';

/**
 * The worker role takes no API traffic, yet an orchestrator still probes it
 * (deploy/k8s/worker-deployment.yaml): this server answers the three
 * /health routes and /metrics (job, notification and SOS metrics are recorded
 * where jobs run) only, so a worker pod never serves the API by accident.
 */
export async function createProbeServer(
  platform: Platform,
  version: string,
): Promise<{ http: HttpApp; markStarted(): void }> {
  const http = await createHttpServer({ log: platform.log, corsOrigins: [], version });
  const state = { started: false, hotState: () => platform.hotState.health() };
  registerHealthRoutes(http, { db: platform.database.db, nodeId: platform.config.NODE_ID }, state);
  // A worker's probe port is scraped by its own Prometheus only: a per-process count of wrong tokens is enough here.
  const limits = limiterFactory({ keyPrefix: redisNamespace(platform.config.DB_SCHEMA) });
  const { METRICS_AUTH_FAILURES_PER_IP_PER_MIN: perMinute, RATE_LIMITS_DISABLED: disabled } = platform.config;
  const guard = ipFailureLimit(limits, { name: 'metricsAuth', perMinute, disabled });
  registerMetricsRoute(http, scrapeDepsOf(platform), { hotState: state.hotState, guard });
  return {
    http,
    markStarted: () => {
      state.started = true;
    },
  };
}
