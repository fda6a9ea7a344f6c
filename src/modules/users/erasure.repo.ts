import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { Role } from '../../platform/http/route-config.js';

/**
 * GDPR erasure of the users row (flow: src/flows/erase-user.ts). The row is
 * kept, anonymised, so trips, ledger entries and bookings keep valid foreign
 * keys; only what identifies the person goes.
 */
export const ERASED_NAME = 'Deleted user';

type ErasureTables = {
  users: { id: string; phone: string; name: string; role: Role; password_hash: string; updated_at: Date };
};
const q = (db: DbHandle) => db.withTables<ErasureTables>();

/** Locks the user for the erasure transaction (a concurrent trip insert's FK check waits for it). */
export async function lockUserForErasure(db: DbHandle, userId: string) {
  return q(db)
    .selectFrom('users')
    .select(['id', 'role', 'name'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Name and phone replaced; the phone placeholder is unique (users.phone is
 * UNIQUE) and can never be a real number, so nobody can sign in or sign up as
 * it. The password hash is replaced by the caller's hash of a random secret.
 */
export async function anonymiseUser(db: DbHandle, args: { userId: string; passwordHash: string }) {
  return q(db)
    .updateTable('users')
    .set({
      name: ERASED_NAME,
      phone: sql<string>`'+deleted-' || gen_random_uuid()`,
      password_hash: args.passwordHash,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', args.userId)
    .returning(['id', 'phone', 'name'])
    .executeTakeFirst();
}
