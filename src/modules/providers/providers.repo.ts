import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { WorkingHours } from './working-hours.js';

interface ProviderProfilesTable {
  user_id: string;
  service_types: string[];
  working_hours: WorkingHours;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ProviderProfileRow = Selectable<ProviderProfilesTable>;
type ProviderTables = { provider_profiles: ProviderProfilesTable };

const q = (db: DbHandle) => db.withTables<ProviderTables>();

/** Creates or replaces the caller's profile (POST is "make me bookable with these services"). */
export async function upsertProviderProfile(
  db: DbHandle,
  userId: string,
  input: { serviceTypes: string[]; workingHours: WorkingHours },
) {
  const values = {
    service_types: input.serviceTypes,
    working_hours: JSON.stringify(input.workingHours) as unknown as WorkingHours,
  };
  return q(db)
    .insertInto('provider_profiles')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findProviderProfile(db: DbHandle, userId: string, opts: { lock?: boolean } = {}) {
  const query = q(db).selectFrom('provider_profiles').selectAll().where('user_id', '=', userId);
  return (opts.lock ? query.forNoKeyUpdate() : query).executeTakeFirst();
}

/** An erased provider is no longer bookable. */
export async function deleteProviderProfile(db: DbHandle, userId: string) {
  const res = await q(db).deleteFrom('provider_profiles').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
