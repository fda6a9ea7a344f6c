import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';

export type SosStatus = 'open' | 'acknowledged' | 'resolved';

interface SosAlertsTable {
  id: Generated<string>;
  user_id: string;
  trip_id: string | null;
  lat: number;
  lng: number;
  note: string | null;
  status: Generated<SosStatus>;
  last_lat: number;
  last_lng: number;
  last_position_at: Generated<Date>;
  escalations: Generated<number>;
  last_escalated_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type SosAlertRow = Selectable<SosAlertsTable>;
type Tables = { sos_alerts: SosAlertsTable };
const q = (db: DbHandle) => db.withTables<Tables>();

/** Inserts an open alert unless the user already has one (partial unique index); undefined then. */
export async function insertOpenAlert(
  db: DbHandle,
  a: { userId: string; tripId: string | null; lat: number; lng: number; note: string | null },
) {
  return q(db)
    .insertInto('sos_alerts')
    .values({
      user_id: a.userId,
      trip_id: a.tripId,
      lat: a.lat,
      lng: a.lng,
      note: a.note,
      last_lat: a.lat,
      last_lng: a.lng,
      last_escalated_at: null,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
    })
    .onConflict((oc) => oc.column('user_id').where('status', '=', 'open').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findOpenAlertOf(db: DbHandle, userId: string) {
  return q(db)
    .selectFrom('sos_alerts')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', 'open')
    .executeTakeFirst();
}

export async function findAlert(db: DbHandle, id: string) {
  return q(db).selectFrom('sos_alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateLastPosition(db: DbHandle, p: { id: string; lat: number; lng: number; at: Date }) {
  await q(db)
    .updateTable('sos_alerts')
    .set({ last_lat: p.lat, last_lng: p.lng, last_position_at: p.at, updated_at: sql<Date>`now()` })
    .where('id', '=', p.id)
    .where('last_position_at', '<', p.at)
    .execute();
}

/** One more escalation round of a still-open alert; returns the round number, undefined if no longer open. */
export async function bumpEscalation(db: DbHandle, id: string): Promise<number | undefined> {
  const row = await q(db)
    .updateTable('sos_alerts')
    .set({
      escalations: sql<number>`escalations + 1`,
      last_escalated_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returning('escalations')
    .executeTakeFirst();
  return row?.escalations;
}

/** Compare-and-set on status: only from one of `from`; undefined when the alert was not in those states. */
export async function moveAlert(
  db: DbHandle,
  args: { id: string; from: SosStatus[]; to: 'acknowledged' | 'resolved'; by: string },
) {
  const stamp =
    args.to === 'acknowledged'
      ? { acknowledged_at: sql<Date>`now()`, acknowledged_by: args.by }
      : { resolved_at: sql<Date>`now()`, resolved_by: args.by };
  return q(db)
    .updateTable('sos_alerts')
    .set({ status: args.to, ...stamp, updated_at: sql<Date>`now()` })
    .where('id', '=', args.id)
    .where('status', 'in', args.from)
    .returningAll()
    .executeTakeFirst();
}

export async function listAlerts(
  db: DbHandle,
  args: { status?: SosStatus; limit: number; after?: { at: string; id: string } },
) {
  let query = q(db)
    .selectFrom('sos_alerts')
    .selectAll()
    .select(sql<string>`${sql.raw(EXACT_CREATED_AT_SQL)}`.as('created_at_exact'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.status) query = query.where('status', '=', args.status);
  if (args.after)
    query = query.where(sql<boolean>`(created_at, id) < (${args.after.at}::timestamptz, ${args.after.id}::uuid)`);
  return query.execute();
}
