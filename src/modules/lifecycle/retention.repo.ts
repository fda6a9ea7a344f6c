import { sql, type Generated } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

/**
 * Retention SQL for tables owned elsewhere (location history, notifications,
 * the event store): the lifecycle module owns the *policy* of how long rows
 * live, so the deletes live here, batched to keep locks short.
 */
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
type LifecycleTables = { events: EventColumns; events_archive: EventColumns };
const q = (db: DbHandle) => db.withTables<LifecycleTables>();

const EVENT_COLUMNS = ['id', 'aggregate_type', 'aggregate_id', 'seq', 'type', 'payload', 'actor_id', 'created_at'] as const;

/** Daily partitions of `location_history` in the current schema; null when the table does not exist (yet). */
export async function listLocationHistoryPartitions(db: DbHandle): Promise<{ schema: string; partitions: string[] } | null> {
  const parent = await sql<{ schema: string }>`
    SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = 'location_history' AND n.nspname = current_schema()`.execute(db);
  const schema = parent.rows[0]?.schema;
  if (!schema) return null;
  const children = await sql<{ name: string }>`
    SELECT child.relname AS name
    FROM pg_inherits i
    JOIN pg_class parent ON parent.oid = i.inhparent
    JOIN pg_namespace pn ON pn.oid = parent.relnamespace
    JOIN pg_class child ON child.oid = i.inhrelid
    WHERE parent.relname = 'location_history' AND pn.nspname = ${schema}`.execute(db);
  return { schema, partitions: children.rows.map((r) => r.name) };
}

export async function dropPartition(db: DbHandle, schema: string, name: string): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.id(schema, name)}`.execute(db);
}

/** Deletes up to `batch` read notifications created before `cutoff`; returns how many. */
export async function deleteReadNotificationsBatch(db: DbHandle, cutoff: Date, batch: number): Promise<number> {
  const res = await sql`
    DELETE FROM notifications WHERE id IN (
      SELECT id FROM notifications WHERE read_at IS NOT NULL AND created_at < ${cutoff} LIMIT ${batch}
      FOR UPDATE SKIP LOCKED)`.execute(db);
  return Number(res.numAffectedRows ?? 0);
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

export interface EventRecord {
  id: number;
  aggregate_type: string;
  aggregate_id: string;
  seq: number;
  type: string;
  payload: unknown;
  actor_id: string | null;
  created_at: Date;
  archived: boolean;
}

/** One aggregate's events from the hot table and the archive, in seq order. */
export async function listAggregateEvents(db: DbHandle, args: { aggregateId: string; afterSeq: number; limit: number }): Promise<EventRecord[]> {
  const hot = q(db).selectFrom('events').select(EVENT_COLUMNS).select(sql<boolean>`false`.as('archived'))
    .where('aggregate_id', '=', args.aggregateId).where('seq', '>', args.afterSeq);
  const cold = q(db).selectFrom('events_archive').select(EVENT_COLUMNS).select(sql<boolean>`true`.as('archived'))
    .where('aggregate_id', '=', args.aggregateId).where('seq', '>', args.afterSeq);
  return hot.unionAll(cold).orderBy('seq').limit(args.limit + 1).execute();
}
