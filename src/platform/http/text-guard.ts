import type { FastifyInstance } from 'fastify';
import { assertStorableText } from '../text.js';

/**
 * Request headers whose values reach Postgres (idempotency_keys.key). Other
 * headers are only compared or parsed (X-Client-Version must match a semver
 * regex, X-Request-Id a strict pattern; User-Agent is never read), so they
 * cannot turn into a database error.
 */
const STORED_HEADERS = ['idempotency-key'] as const;

/**
 * Text Postgres cannot store (U+0000, unpaired surrogates) would pass every
 * zod schema and then fail in SQL as a 500. Refuse it at the edge as a 400
 * naming the field, before validation and before any handler writes.
 */
export function installTextGuard(app: FastifyInstance) {
  app.addHook('preValidation', (request, _reply, done) => {
    const headers: Record<string, unknown> = {};
    for (const name of STORED_HEADERS) headers[name] = request.headers[name];
    try {
      assertStorableText({ body: request.body, query: request.query, params: request.params, headers });
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
}
