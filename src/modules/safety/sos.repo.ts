import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { newestFirstPage } from '../../platform/db/keyset.js';

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
  /** The desk's notes (migration 0053). */
  acknowledge_note: Generated<string | null>;
  resolve_note: Generated<string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface SosPositionsTable {
  alert_id: string;
  at: Date;
  lat: number;
  lng: number;
}

export type SosAlertRow = Selectable<SosAlertsTable>;
type Tables = { sos_alerts: SosAlertsTable; sos_positions: SosPositionsTable };
const q = (db: DbHandle) => db.withTables<Tables>();

/**
 * The one write of an SOS: a new open alert, or (pressed again while one is
 * open: the partial unique index) that alert with the fresher position. One
 * statement either way; `created` tells which (xmax is 0 only on an insert).
 */
export async function raiseAlert(
  db: DbHandle,
  a: { userId: string; tripId: string | null; lat: number; lng: number; note: string | null },
): Promise<{ alert: SosAlertRow; created: boolean }> {
  const row = await q(db)
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
    .onConflict((oc) =>
      oc
        .column('user_id')
        .where('status', '=', 'open')
        .doUpdateSet({
          last_lat: a.lat,
          last_lng: a.lng,
          last_position_at: sql<Date>`now()`,
          updated_at: sql<Date>`now()`,
        }),
    )
    .returningAll()
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  const { created, ...alert } = row;
  return { alert, created };
}

export async function findAlert(db: DbHandle, id: string) {
  return q(db).selectFrom('sos_alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Holds the alert's row lock for the rest of the transaction: work that records an event of the alert takes it
 * first, since an event's per-aggregate seq is max + 1 (the fan-out's `sos.opened` raced a dispatcher's
 * acknowledge for the same seq).
 */
export async function lockAlert(db: DbHandle, id: string): Promise<void> {
  await q(db).selectFrom('sos_alerts').select('id').where('id', '=', id).forUpdate().execute();
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
  args: { id: string; from: SosStatus[]; to: 'acknowledged' | 'resolved'; by: string; note: string | null },
) {
  const stamp =
    args.to === 'acknowledged'
      ? { acknowledged_at: sql<Date>`now()`, acknowledged_by: args.by, acknowledge_note: args.note }
      : { resolved_at: sql<Date>`now()`, resolved_by: args.by, resolve_note: args.note };
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
  let query = q(db).selectFrom('sos_alerts').selectAll();
  if (args.status) query = query.where('status', '=', args.status);
  return newestFirstPage(query, args).execute();
}

/** One point of the alert's live trail; the same instant twice (a re-run of the tracking job) is kept once. */
export async function insertTrailPoint(db: DbHandle, p: { alertId: string; lat: number; lng: number; at: Date }) {
  await q(db)
    .insertInto('sos_positions')
    .values({ alert_id: p.alertId, lat: p.lat, lng: p.lng, at: p.at })
    .onConflict((oc) => oc.columns(['alert_id', 'at']).doNothing())
    .execute();
}

/** The trail oldest first, its last `limit` points. */
export async function listTrail(db: DbHandle, alertId: string, limit: number) {
  const rows = await q(db)
    .selectFrom('sos_positions')
    .select(['lat', 'lng', 'at'])
    .where('alert_id', '=', alertId)
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}
