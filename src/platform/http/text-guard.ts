import type { FastifyInstance } from 'fastify';
import { AppError, ErrorCode } from '../errors.js';

/** Deeper than any body we accept; stops a pathological nesting from costing more than the parse did. */
const MAX_DEPTH = 32;

/** Path of the first string (value or key) holding U+0000, or null. */
export function findNulCharacter(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\0')}`;
    const found = findNulCharacter(child, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Postgres text cannot hold U+0000: such a string would pass every zod
 * schema and then fail in SQL as a 500. Refuse it at the edge as a 400.
 */
export function installTextGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const field = findNulCharacter(request.body, 'body') ?? findNulCharacter(request.query, 'query') ?? findNulCharacter(request.params, 'params');
    if (field) {
      throw new AppError(ErrorCode.VALIDATION_ERROR, 'Text must not contain NUL characters', [{ field, message: 'contains U+0000' }]);
    }
  });
}
