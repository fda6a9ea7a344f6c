import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { SafetyKind } from './ride-checks.js';

interface SafetyEventsTable {
  id: Generated<string>;
  trip_id: string;
  kind: SafetyKind;
  lat: number | null;
  lng: number | null;
  details: unknown;
  created_at: Generated<Date>;
}

export type SafetyEventRow = Selectable<SafetyEventsTable>;
type Tables = { safety_events: SafetyEventsTable };
const q = (db: DbHandle) => db.withTables<Tables>();

/**
 * Records a safety event unless the same trip had the same kind within
 * `windowMs`. The advisory lock on (trip, kind) serialises concurrent
 * recorders (two nodes seeing the same stream), so exactly one row is written.
 */
export async function insertSafetyEventDeduped(
  tx: DbHandle,
  e: {
    tripId: string;
    kind: SafetyKind;
    lat: number | null;
    lng: number | null;
    details: Record<string, unknown>;
    windowMs: number;
  },
): Promise<SafetyEventRow | undefined> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`safety:${e.tripId}:${e.kind}`}))`.execute(tx);
  const recent = await q(tx)
    .selectFrom('safety_events')
    .select('id')
    .where('trip_id', '=', e.tripId)
    .where('kind', '=', e.kind)
    .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${e.windowMs / 1000})`)
    .executeTakeFirst();
  if (recent) return undefined;
  return q(tx)
    .insertInto('safety_events')
    .values({ trip_id: e.tripId, kind: e.kind, lat: e.lat, lng: e.lng, details: JSON.stringify(e.details) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listSafetyEvents(db: DbHandle, tripId: string) {
  return q(db).selectFrom('safety_events').selectAll().where('trip_id', '=', tripId).orderBy('created_at').execute();
}
