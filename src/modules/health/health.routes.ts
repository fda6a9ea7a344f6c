import type { HttpApp } from '../../platform/http/server.js';
import { pingDatabase, type Db } from '../../platform/db/database.js';

const PROBE_TIMEOUT_MS = 1_500;

async function probeDatabase(db: Db) {
  const started = performance.now();
  try {
    await Promise.race([
      pingDatabase(db),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS)),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { ok: false, latencyMs: Math.round(performance.now() - started) };
  }
}

/** Liveness, readiness (per dependency) and startup probes; plain JSON, no envelope. */
export function registerHealthRoutes(
  app: HttpApp,
  deps: { db: Db; nodeId: string },
  state: { started: boolean; hotState: () => { ok: boolean; adapter: string } },
) {
  const plain = { plain: true, rateLimit: 'none' } as const;
  // `node` tells which process answered: behind a load balancer, which replica it was.
  app.get('/health/live', { schema: { summary: 'Liveness probe', tags: ['ops'] }, config: plain }, async () => ({
    status: 'ok',
    node: deps.nodeId,
  }));
  app.get(
    '/health/startup',
    { schema: { summary: 'Start-up probe', tags: ['ops'] }, config: plain },
    async (_request, reply) =>
      reply.code(state.started ? 200 : 503).send({ status: state.started ? 'ok' : 'starting' }),
  );
  app.get(
    '/health/ready',
    { schema: { summary: 'Readiness probe', tags: ['ops'] }, config: plain },
    async (_request, reply) => {
      const database = await probeDatabase(deps.db);
      const hotState = state.hotState();
      const jobs = { ok: database.ok };
      const status = !database.ok ? 'down' : hotState.ok ? 'ok' : 'degraded';
      if (!database.ok) void reply.header('retry-after', '5');
      return reply.code(database.ok ? 200 : 503).send({ status, checks: { database, hotState, jobs } });
    },
  );
}
