import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { newestFirstPage } from '../../platform/db/keyset.js';

export type FraudFlagStatus = 'open' | 'cleared';
export type FraudReason = 'impossible_jump' | 'mock_location';

interface FraudFlagsTable {
  id: Generated<string>;
  driver_id: string;
  reason: FraudReason;
  suspicious_fixes: number;
  status: Generated<FraudFlagStatus>;
  note: string | null;
  cleared_by: string | null;
  cleared_at: Date | null;
  created_at: Generated<Date>;
}

export type FraudFlagRow = Selectable<FraudFlagsTable>;
type Tables = { fraud_flags: FraudFlagsTable };
const q = (db: DbHandle) => db.withTables<Tables>();

/** Opens a flag unless the driver already has one open (partial unique index): true when this call opened it. */
export async function insertOpenFlag(
  db: DbHandle,
  f: { driverId: string; reason: FraudReason; suspiciousFixes: number },
): Promise<boolean> {
  const row = await q(db)
    .insertInto('fraud_flags')
    .values({ driver_id: f.driverId, reason: f.reason, suspicious_fixes: f.suspiciousFixes })
    .onConflict((oc) => oc.column('driver_id').where('status', '=', 'open').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The drivers among `driverIds` with an open flag (one indexed probe per id). */
export async function openFlagsAmong(db: DbHandle, driverIds: string[]): Promise<Set<string>> {
  if (driverIds.length === 0) return new Set();
  const rows = await q(db)
    .selectFrom('fraud_flags')
    .select('driver_id')
    .where('status', '=', 'open')
    .where('driver_id', '=', sql<string>`any(${driverIds}::uuid[])`)
    .execute();
  return new Set(rows.map((r) => r.driver_id));
}

/** Every driver with an open flag (a handful: flags are rare and cleared by admins). */
export async function allOpenFlaggedDrivers(db: DbHandle): Promise<Set<string>> {
  const rows = await q(db).selectFrom('fraud_flags').select('driver_id').where('status', '=', 'open').execute();
  return new Set(rows.map((r) => r.driver_id));
}

export async function listFlags(
  db: DbHandle,
  args: { status?: FraudFlagStatus; driverId?: string; limit: number; after?: { at: string; id: string } },
) {
  let query = q(db).selectFrom('fraud_flags').selectAll();
  if (args.status) query = query.where('status', '=', args.status);
  if (args.driverId) query = query.where('driver_id', '=', args.driverId);
  return newestFirstPage(query, args).execute();
}

export async function findFlag(db: DbHandle, id: string): Promise<FraudFlagRow | undefined> {
  return q(db).selectFrom('fraud_flags').selectAll().where('id', '=', id).executeTakeFirst();
}

/** open → cleared (compare-and-set): undefined when the flag is not open (already cleared, or unknown). */
export async function clearOpenFlag(
  db: DbHandle,
  c: { id: string; adminId: string; note: string },
): Promise<FraudFlagRow | undefined> {
  return q(db)
    .updateTable('fraud_flags')
    .set({ status: 'cleared', note: c.note, cleared_by: c.adminId, cleared_at: sql<Date>`now()` })
    .where('id', '=', c.id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}
