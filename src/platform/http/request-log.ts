import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UNMATCHED_ROUTE } from './http-metrics.js';

const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? UNMATCHED_ROUTE;

/**
 * Fastify's two request lines (received, completed), but by route pattern
 * (`/api/v1/share/:token`), never the raw URL: paths carry share and push
 * tokens, query strings carry exact coordinates and phone numbers. Replaces
 * Fastify's own request logging, which writes `req.url` as received.
 */
export function installRequestLog(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    request.log.info({ method: request.method, route: routeOf(request) }, 'incoming request');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        route: routeOf(request),
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });
}
