import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../observability/logger.js';
import { installErrorHandling } from './error-handler.js';

export const BODY_LIMIT_BYTES = 100 * 1024; // API.md: bodies over 100 KB ⇒ 413
const REQUEST_ID = /^[A-Za-z0-9\-_.:]{8,128}$/;

export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface HttpServerOptions {
  log: Logger;
  corsOrigins: string[];
  version: string;
}

/** Fastify with the platform rules every route shares: ids, limits, errors, docs. */
export async function createHttpServer(opts: HttpServerOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: opts.log,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    // A request that takes longer than this is stuck; sockets are not affected.
    requestTimeout: 30_000,
  }).withTypeProvider<ZodTypeProvider>() as unknown as HttpApp;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(cors, { origin: opts.corsOrigins.length > 0 ? opts.corsOrigins : false, credentials: true });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'SmartLine API', version: opts.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  return app;
}
