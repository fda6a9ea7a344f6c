import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { listDeadLetters } from '../../platform/jobs/jobs.repo.js';
import { registerFlagRoutes, type FlagRouteDeps } from './flags.routes.js';

export interface AdminDeps extends FlagRouteDeps {
  jobs: Pick<JobQueue, 'requeueDeadLetter'>;
}

const DeadLetterSchema = z.object({
  id: z.number().int(),
  task: z.string(),
  payload: z.unknown(),
  attempts: z.number().int(),
  lastError: z.string(),
  failedAt: z.string(),
});

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
});

const tags = ['admin'];

/** Jobs that ran out of attempts, for an operator to read and re-run. */
export function registerAdminRoutes(app: HttpApp, deps: AdminDeps) {
  const { db } = deps;
  app.get(
    '/api/v1/admin/dead-letters',
    {
      schema: {
        summary: 'List jobs that ran out of attempts',
        tags,
        querystring: ListQuery,
        response: { 200: envelopeOf(z.array(DeadLetterSchema)) },
      },
      config: { auth: ['admin'] },
    },
    async (request, reply) => {
      const { limit, cursor } = request.query;
      const rows = await listDeadLetters(db, { limit, beforeId: cursor ? Number(cursor) : undefined });
      const page = rows.slice(0, limit);
      const nextCursor = rows.length > limit ? String(page[page.length - 1]!.id) : null;
      const items = page.map((r) => ({
        id: r.id,
        task: r.task,
        payload: r.payload,
        attempts: r.attempts,
        lastError: r.last_error,
        failedAt: r.failed_at.toISOString(),
      }));
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.post(
    '/api/v1/admin/dead-letters/:id/retry',
    {
      schema: {
        summary: 'Retry a dead-lettered job',
        tags,
        params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
        response: { 200: envelopeOf(z.object({ id: z.number(), requeued: z.literal(true) })) },
      },
      config: { auth: ['admin'] },
    },
    async (request, reply) => {
      const row = await deps.jobs.requeueDeadLetter(db, request.params.id, currentUser(request).id);
      return sendOk(reply, { id: row.id, requeued: true as const });
    },
  );

  registerFlagRoutes(app, deps);
}
