import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Meta {
  requestId: string;
  timestamp: string;
  nextCursor?: string | null;
}

export function metaFor(request: FastifyRequest, extra: Partial<Meta> = {}): Meta {
  return { requestId: String(request.id), timestamp: new Date().toISOString(), ...extra };
}

/** Sends `data` in the success envelope; lists pass `nextCursor`. */
export function sendOk<T>(reply: FastifyReply, data: T, opts: { status?: number; nextCursor?: string | null } = {}) {
  const extra = opts.nextCursor !== undefined ? { nextCursor: opts.nextCursor } : {};
  return reply.code(opts.status ?? 200).send({ success: true, data, meta: metaFor(reply.request, extra) });
}

const MetaSchema = z.object({
  requestId: z.string(),
  timestamp: z.string(),
  nextCursor: z.string().nullable().optional(),
});

/** Response schema of the success envelope around `data` (for OpenAPI and serialization). */
export function envelopeOf<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data, meta: MetaSchema });
}

export const ErrorEnvelopeSchema = z.object({
  success: z.literal(false),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  meta: MetaSchema,
});

/** Standard error responses every enveloped route may give, for OpenAPI. */
export const errorResponses = {
  400: ErrorEnvelopeSchema,
  401: ErrorEnvelopeSchema,
  403: ErrorEnvelopeSchema,
  404: ErrorEnvelopeSchema,
  409: ErrorEnvelopeSchema,
  422: ErrorEnvelopeSchema,
  429: ErrorEnvelopeSchema,
} as const;

/** Response schema of a route that answers 204 with no body, so the document says 204, not 200. */
export const noContent = { 204: z.undefined().describe('No content') } as const;
