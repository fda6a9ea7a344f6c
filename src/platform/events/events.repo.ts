import { sql, type Generated, type OperationNodeSource, type Selectable } from 'kysely';
import type { DbHandle } from '../db/database.js';
import type { DomainEvent, DomainEventName, StoredEvent } from './event-map.js';

interface EventColumns {
  id: Generated<number>;
  aggregate_type: string;
  aggregate_id: string;
  seq: number;
  type: string;
  payload: unknown;
  actor_id: string | null;
  created_at: Generated<Date>;
}
/** The event store: hot `events` and the `events_archive` the retention job moves old rows to. */
type EventTables = { events: EventColumns; events_archive: EventColumns };

const EVENT_COLUMNS = [
  'id',
  'aggregate_type',
  'aggregate_id',
  'seq',
  'type',
  'payload',
  'actor_id',
  'created_at',
] as const;

const q = (db: DbHandle) => db.withTables<EventTables>();

/** What storing an event returns. */
interface AppendedRow {
  id: number;
  seq: number;
  created_at: Date;
}

/**
 * The one INSERT of an event, with the next per-aggregate seq; `afterWritten` stores it only for the row of the
 * enclosing statement's `written` CTE (`appendEventWith`).
 */
function insertEvent(event: DomainEvent<DomainEventName>, afterWritten = false) {
  const { aggregateType, aggregateId, type, payload, actorId } = event;
  return sql<AppendedRow>`
    INSERT INTO events (aggregate_type, aggregate_id, type, payload, actor_id, seq)
    SELECT ${aggregateType}, ${aggregateId}::uuid, ${type}, ${JSON.stringify(payload)}::jsonb, ${actorId}::uuid,
      (SELECT coalesce(max(seq), 0) + 1 FROM events WHERE aggregate_id = ${aggregateId}::uuid)
    ${afterWritten ? sql`FROM written` : sql``}
    RETURNING id, seq, created_at`;
}

/**
 * Appends an event with the next per-aggregate seq. Callers hold the
 * aggregate's row lock, so seqs are gap-free; UNIQUE(aggregate_id, seq) is the
 * backstop if one ever does not.
 */
export async function appendEvent<N extends DomainEventName>(
  db: DbHandle,
  event: DomainEvent<N>,
): Promise<StoredEvent<N>> {
  const [row] = (await insertEvent(event).execute(db)).rows;
  if (!row) throw new Error(`appendEvent: ${event.type} not stored`);
  return { ...event, id: row.id, seq: row.seq, createdAt: row.created_at };
}

/**
 * `write` (an INSERT or UPDATE … RETURNING * of the aggregate's row) and the event it causes in one statement: a
 * change and its event cost one round trip instead of two. The event is stored only for a row `write` returns, and
 * exactly one must come back, or this throws and the caller's transaction rolls back. Seq as in `appendEvent`.
 */
export async function appendEventWith<N extends DomainEventName, R extends object>(
  db: DbHandle,
  event: DomainEvent<N>,
  write: OperationNodeSource,
): Promise<{ row: R; stored: StoredEvent<N> }> {
  const { rows } = await sql<R & { event_id: number; event_seq: number; event_created_at: Date }>`
    WITH written AS (${write}), appended AS (${insertEvent(event, true)})
    SELECT written.*, appended.id AS event_id, appended.seq AS event_seq, appended.created_at AS event_created_at
    FROM written, appended`.execute(db);
  const [first, ...more] = rows;
  if (!first || more.length > 0) throw new Error(`appendEventWith: ${rows.length} rows written for ${event.type}`);
  const { event_id: id, event_seq: seq, event_created_at: createdAt, ...row } = first;
  return { row: row as unknown as R, stored: { ...event, id, seq, createdAt } };
}

export async function listEvents(db: DbHandle, aggregateId: string) {
  return q(db).selectFrom('events').selectAll().where('aggregate_id', '=', aggregateId).orderBy('seq').execute();
}

/**
 * Moves up to `batch` events older than `cutoff` into events_archive in one
 * statement (so one transaction: a row is in exactly one table). The newest
 * event of each aggregate stays behind: appendEvent derives the next seq from
 * `events`, and keeping that row keeps every aggregate's sequence gap-free and
 * unique across both tables.
 */
export async function archiveEventsBatch(db: DbHandle, cutoff: Date, batch: number): Promise<number> {
  const res = await sql`
    WITH batch AS (
      SELECT e.id FROM events e
      WHERE e.created_at < ${cutoff}
        AND EXISTS (SELECT 1 FROM events newer WHERE newer.aggregate_id = e.aggregate_id AND newer.seq > e.seq)
      ORDER BY e.id LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    ), moved AS (
      DELETE FROM events WHERE id IN (SELECT id FROM batch)
      RETURNING id, aggregate_type, aggregate_id, seq, type, payload, actor_id, created_at
    )
    INSERT INTO events_archive (id, aggregate_type, aggregate_id, seq, type, payload, actor_id, created_at)
    SELECT id, aggregate_type, aggregate_id, seq, type, payload, actor_id, created_at FROM moved`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** A stored event as read back, and which table it was found in. */
export type EventRecord = Selectable<EventColumns> & { archived: boolean };

/** One aggregate's events from the hot table and the archive, in seq order. */
export async function listAggregateEvents(
  db: DbHandle,
  args: { aggregateId: string; afterSeq: number; limit: number },
): Promise<EventRecord[]> {
  const hot = q(db)
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .select(sql<boolean>`false`.as('archived'))
    .where('aggregate_id', '=', args.aggregateId)
    .where('seq', '>', args.afterSeq);
  const cold = q(db)
    .selectFrom('events_archive')
    .select(EVENT_COLUMNS)
    .select(sql<boolean>`true`.as('archived'))
    .where('aggregate_id', '=', args.aggregateId)
    .where('seq', '>', args.afterSeq);
  return hot
    .unionAll(cold)
    .orderBy('seq')
    .limit(args.limit + 1)
    .execute();
}

const toStored = (r: Selectable<EventColumns>): StoredEvent => ({
  id: Number(r.id),
  seq: r.seq,
  type: r.type as DomainEventName,
  aggregateType: r.aggregate_type,
  aggregateId: r.aggregate_id,
  payload: r.payload as StoredEvent['payload'],
  actorId: r.actor_id,
  createdAt: r.created_at,
});

/** Stored events by id, in id order (the webhook fan-out reads what a unit of work recorded). */
export async function listEventsByIds(db: DbHandle, ids: number[]): Promise<StoredEvent[]> {
  if (ids.length === 0) return [];
  const rows = await q(db).selectFrom('events').select(EVENT_COLUMNS).where('id', 'in', ids).orderBy('id').execute();
  return rows.map(toStored);
}

/** One aggregate's hot events up to `maxSeq`, in seq order. */
export async function listEventsUpTo(db: DbHandle, aggregateId: string, maxSeq: number): Promise<StoredEvent[]> {
  const rows = await q(db)
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('aggregate_id', '=', aggregateId)
    .where('seq', '<=', maxSeq)
    .orderBy('seq')
    .execute();
  return rows.map(toStored);
}
