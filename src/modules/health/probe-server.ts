import type { Platform } from '../../platform/runtime.js';
import { createHttpServer, type HttpApp } from '../../platform/http/server.js';
import { registerHealthRoutes } from './health.routes.js';

/**
 * The worker role takes no API traffic, yet an orchestrator still probes it
 * (deploy/k8s/worker-deployment.yaml): this server answers the three
 * /health routes only, so a worker pod never serves the API by accident.
 */
export async function createProbeServer(platform: Platform, version: string): Promise<{ http: HttpApp; markStarted(): void }> {
  const http = await createHttpServer({ log: platform.log, corsOrigins: [], version });
  const state = { started: false, hotState: () => platform.hotState.health() };
  registerHealthRoutes(http, platform, state);
  return { http, markStarted: () => { state.started = true; } };
}
