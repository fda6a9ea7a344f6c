import { sql, type Generated } from 'kysely';
import type { DbHandle } from './db/database.js';

type FlagTables = {
  feature_flags: {
    name: string;
    enabled: boolean;
    updated_at: Generated<Date>;
    updated_by: string | null;
  };
  flag_changes: {
    id: Generated<number>;
    flag: string;
    old_enabled: boolean;
    new_enabled: boolean;
    override_removed: Generated<boolean>;
    reason: string | null;
    changed_by: string | null;
    changed_at: Generated<Date>;
  };
};

const q = (db: DbHandle) => db.withTables<FlagTables>();

/**
 * NOTIFY channel for flag changes. Per schema, because test suites (and
 * staging next to prod) share one database; schema names are validated by
 * config (`[a-z_][a-z0-9_]{0,40}`), so the identifier stays under 63 bytes.
 */
export const flagsChannel = (schema: string) => `smartline_flags_${schema}`;

export async function readOverrides(db: DbHandle) {
  return q(db).selectFrom('feature_flags').selectAll().execute();
}

/** Serialises writers of one flag (the row may not exist yet, so FOR UPDATE cannot). */
export async function lockFlag(tx: DbHandle, name: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`feature_flags:${name}`}))`.execute(tx);
}

export async function findOverride(db: DbHandle, name: string) {
  return q(db).selectFrom('feature_flags').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function upsertOverride(tx: DbHandle, row: { name: string; enabled: boolean; by: string }) {
  return q(tx)
    .insertInto('feature_flags')
    .values({ name: row.name, enabled: row.enabled, updated_by: row.by })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ enabled: row.enabled, updated_by: row.by, updated_at: sql`now()` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteOverride(tx: DbHandle, name: string): Promise<void> {
  await q(tx).deleteFrom('feature_flags').where('name', '=', name).execute();
}

export async function insertFlagChange(
  tx: DbHandle,
  row: {
    flag: string;
    oldEnabled: boolean;
    newEnabled: boolean;
    overrideRemoved: boolean;
    reason: string | null;
    by: string;
  },
): Promise<void> {
  await q(tx)
    .insertInto('flag_changes')
    .values({
      flag: row.flag,
      old_enabled: row.oldEnabled,
      new_enabled: row.newEnabled,
      override_removed: row.overrideRemoved,
      reason: row.reason,
      changed_by: row.by,
    })
    .execute();
}

/** Newest first; `limit + 1` rows so the caller knows whether there is a next page. */
export async function listFlagChanges(db: DbHandle, args: { flag?: string; limit: number; beforeId?: number }) {
  let query = q(db)
    .selectFrom('flag_changes')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.flag) query = query.where('flag', '=', args.flag);
  if (args.beforeId !== undefined) query = query.where('id', '<', args.beforeId);
  return query.execute();
}

/** Delivered to every listening node when (and only if) the transaction commits. */
export async function notifyFlagsChanged(tx: DbHandle, schema: string, name: string): Promise<void> {
  await sql`SELECT pg_notify(${flagsChannel(schema)}, ${name})`.execute(tx);
}
