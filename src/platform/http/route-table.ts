import type { FastifyContextConfig, FastifyInstance, FastifySchema } from 'fastify';

/** One registered route as the app declared it: what it answers and who may call it. */
export interface RouteEntry {
  method: string;
  /** Fastify's pattern, e.g. `/api/v1/trips/:id`. */
  url: string;
  config: FastifyContextConfig;
  schema?: FastifySchema;
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * Records every route as it is added (Fastify's `onRoute`), so tooling that
 * must cover all routes — the authorization matrix, the fuzzer — reads the
 * table instead of keeping its own list that a new route would silently miss.
 * Installed before any plugin or module registers a route.
 */
export function installRouteTable(app: FastifyInstance) {
  const entries: RouteEntry[] = [];
  tables.set(app, entries);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      entries.push({ method, url: route.url, config: route.config ?? {}, schema: route.schema });
    }
  });
}

/** The routes `app` registered, in registration order. */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  const entries = tables.get(app);
  if (!entries) throw new Error('routeTable(): installRouteTable() was not called on this app');
  return entries;
}
