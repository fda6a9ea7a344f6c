import { sql, type Generated } from 'kysely';
import type { DbHandle } from '../db/database.js';
import type { DomainEvent, DomainEventName, StoredEvent } from './event-map.js';

type EventTables = {
  events: {
    id: Generated<number>;
    aggregate_type: string;
    aggregate_id: string;
    seq: number;
    type: string;
    payload: unknown;
    actor_id: string | null;
    created_at: Generated<Date>;
  };
};

const q = (db: DbHandle) => db.withTables<EventTables>();

/**
 * Appends an event with the next per-aggregate seq. Callers hold the
 * aggregate's row lock, so seqs are gap-free; UNIQUE(aggregate_id, seq) is the
 * backstop if one ever does not.
 */
export async function appendEvent<N extends DomainEventName>(db: DbHandle, event: DomainEvent<N>): Promise<StoredEvent<N>> {
  const row = await q(db)
    .insertInto('events')
    .values({
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      type: event.type,
      payload: JSON.stringify(event.payload),
      actor_id: event.actorId,
      seq: sql<number>`(SELECT coalesce(max(seq), 0) + 1 FROM events WHERE aggregate_id = ${event.aggregateId})`,
    })
    .returning(['id', 'seq', 'created_at'])
    .executeTakeFirstOrThrow();
  return { ...event, id: row.id, seq: row.seq, createdAt: row.created_at };
}

export async function listEvents(db: DbHandle, aggregateId: string) {
  return q(db).selectFrom('events').selectAll().where('aggregate_id', '=', aggregateId).orderBy('seq').execute();
}
