import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser, type AuthUser } from '../../platform/http/route-config.js';
import { AdminEventsQuery, EraseMeRequest, StoredEventSchema } from './lifecycle.schema.js';
import { listAggregateEvents } from './retention.repo.js';

export interface LifecycleRouteDeps {
  db: Db;
  /** GDPR erasure writes across modules, so app.ts supplies the flow. */
  eraseUser(user: Pick<AuthUser, 'id' | 'role'>): Promise<void>;
  /** 403 unless `password` is the user's current one (the auth module's check, with its lockout). */
  confirmPassword(userId: string, password: string): Promise<void>;
}

export function registerLifecycleRoutes(app: HttpApp, deps: LifecycleRouteDeps) {
  app.get('/api/v1/admin/events', { schema: { tags: ['admin'], querystring: AdminEventsQuery, response: { 200: envelopeOf(z.array(StoredEventSchema)) } }, config: { auth: ['admin'] } },
    async (request, reply) => {
      const { aggregateId, limit, cursor } = request.query;
      const rows = await listAggregateEvents(deps.db, { aggregateId, afterSeq: cursor ? Number(cursor) : 0, limit });
      const page = rows.slice(0, limit);
      const nextCursor = rows.length > limit ? String(page[page.length - 1]!.seq) : null;
      const items = page.map((r) => ({
        id: r.id, aggregateType: r.aggregate_type, aggregateId: r.aggregate_id, seq: r.seq, type: r.type,
        payload: r.payload, actorId: r.actor_id, createdAt: r.created_at.toISOString(), archived: r.archived,
      }));
      return sendOk(reply, items, { nextCursor });
    });

  app.delete('/api/v1/me', {
    schema: { tags: ['users'], body: EraseMeRequest, description: 'GDPR erasure: anonymises the caller; trips and money records stay. Body `{password}` (the current one): missing or wrong ⇒ 403, nothing erased. 409 while a trip or booking is under way.' },
    config: { auth: 'any' },
  },
    async (request, reply) => {
      const me = currentUser(request);
      // A missing password is checked like a wrong one (same answer, same lockout count).
      await deps.confirmPassword(me.id, request.body?.password ?? '');
      await deps.eraseUser(me);
      return reply.code(204).send();
    });
}
