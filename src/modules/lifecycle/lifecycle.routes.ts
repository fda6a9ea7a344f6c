import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { AdminEventsQuery, StoredEventSchema } from './lifecycle.schema.js';
import { listAggregateEvents } from '../../platform/events/events.repo.js';

export interface LifecycleRouteDeps {
  db: Db;
}

export function registerLifecycleRoutes(app: HttpApp, deps: LifecycleRouteDeps) {
  app.get(
    '/api/v1/admin/events',
    {
      schema: {
        summary: "List an aggregate's stored events",
        tags: ['admin'],
        querystring: AdminEventsQuery,
        response: { 200: envelopeOf(z.array(StoredEventSchema)) },
      },
      config: { auth: ['admin'] },
    },
    async (request, reply) => {
      const { aggregateId, limit, cursor } = request.query;
      const rows = await listAggregateEvents(deps.db, { aggregateId, afterSeq: cursor ? Number(cursor) : 0, limit });
      const page = rows.slice(0, limit);
      const nextCursor = rows.length > limit ? String(page[page.length - 1]!.seq) : null;
      const items = page.map((r) => ({
        id: r.id,
        aggregateType: r.aggregate_type,
        aggregateId: r.aggregate_id,
        seq: r.seq,
        type: r.type,
        payload: r.payload,
        actorId: r.actor_id,
        createdAt: r.created_at.toISOString(),
        archived: r.archived,
      }));
      return sendOk(reply, items, { nextCursor });
    },
  );
}
