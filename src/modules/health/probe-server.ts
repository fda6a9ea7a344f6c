import type { Platform } from '../../platform/runtime.js';
import { createHttpServer, type HttpApp } from '../../platform/http/server.js';
import { registerHealthRoutes } from './health.routes.js';
import { registerMetricsRoute } from '../ops/index.js';

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
  registerMetricsRoute(http, platform, { hotState: state.hotState });
  return { http, markStarted: () => { state.started = true; } };
}
