import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

interface EmergencyContactsTable {
  id: Generated<string>;
  user_id: string;
  position: number;
  name: string;
  phone: string | null;
  email: string | null;
  created_at: Generated<Date>;
}

export type EmergencyContactRow = Selectable<EmergencyContactsTable>;
type Tables = { emergency_contacts: EmergencyContactsTable };
const q = (db: DbHandle) => db.withTables<Tables>();

export async function listContacts(db: DbHandle, userId: string) {
  return q(db).selectFrom('emergency_contacts').selectAll().where('user_id', '=', userId).orderBy('position').execute();
}

/** Replaces the whole list (PUT semantics) in the caller's transaction. */
export async function replaceContacts(
  db: DbHandle,
  userId: string,
  contacts: Array<{ name: string; phone: string | null; email: string | null }>,
) {
  await q(db).deleteFrom('emergency_contacts').where('user_id', '=', userId).execute();
  if (contacts.length === 0) return [];
  return q(db)
    .insertInto('emergency_contacts')
    .values(
      contacts.map((c, i) => ({ user_id: userId, position: i + 1, name: c.name, phone: c.phone, email: c.email })),
    )
    .returningAll()
    .execute()
    .then((rows) => rows.sort((a, b) => a.position - b.position));
}

/** Erasure: the user's emergency contacts (third parties' PII) go, and their live share links die. */
export async function eraseSafetyDataOf(db: DbHandle, userId: string): Promise<void> {
  await sql`DELETE FROM emergency_contacts WHERE user_id = ${userId}`.execute(db);
  await sql`UPDATE trip_shares SET revoked_at = now() WHERE created_by = ${userId} AND revoked_at IS NULL`.execute(db);
}
