import type { Platform } from '../../platform/runtime.js';
import { createHttpServer, type HttpApp } from '../../platform/http/server.js';
import { registerHealthRoutes } from './health.routes.js';
import { registerMetricsRoute } from '../ops/index.js';
import { limiterFactory } from '../../platform/http/rate-limit.js';
import { ipFailureLimit } from '../../platform/http/failure-limit.js';
import { redisNamespace } from '../../platform/realtime/redis-namespace.js';

/**
 * The worker role takes no API traffic, yet an orchestrator still probes it
 * (deploy/k8s/worker-deployment.yaml): this server answers the three
 * /health routes and /metrics (job, notification and SOS metrics are recorded
 * where jobs run) only, so a worker pod never serves the API by accident.
 */
export async function createProbeServer(platform: Platform, version: string): Promise<{ http: HttpApp; markStarted(): void }> {
  const http = await createHttpServer({ log: platform.log, corsOrigins: [], version });
  const state = { started: false, hotState: () => platform.hotState.health() };
  registerHealthRoutes(http, platform, state);
  // A worker's probe port is scraped by its own Prometheus only: a per-process count of wrong tokens is enough here.
  const limits = limiterFactory({ keyPrefix: redisNamespace(platform.config.DB_SCHEMA) });
  const guard = ipFailureLimit(limits, { name: 'metricsAuth', perMinute: platform.config.METRICS_AUTH_FAILURES_PER_IP_PER_MIN, disabled: platform.config.RATE_LIMITS_DISABLED });
  registerMetricsRoute(http, platform, { hotState: state.hotState, guard });
  return { http, markStarted: () => { state.started = true; } };
}
