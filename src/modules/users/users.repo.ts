import type { Generated, Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { Role } from '../../platform/http/route-config.js';

interface UsersTable {
  id: Generated<string>;
  phone: string;
  name: string;
  role: Role;
  password_hash: string;
  /** Set while an admin has suspended the account (migration 0014): no sign-in, no session. */
  suspended_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type UserRow = Selectable<UsersTable>;

type UserTables = { users: UsersTable };

const q = (db: DbHandle) => db.withTables<UserTables>();

export async function insertUser(
  db: DbHandle,
  user: { phone: string; name: string; role: Role; passwordHash: string },
) {
  return q(db)
    .insertInto('users')
    .values({
      phone: user.phone,
      name: user.name,
      role: user.role,
      password_hash: user.passwordHash,
      suspended_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUserByPhone(db: DbHandle, phone: string) {
  return q(db).selectFrom('users').selectAll().where('phone', '=', phone).executeTakeFirst();
}

export async function findUserById(db: DbHandle, id: string) {
  return q(db).selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUsersByIds(db: DbHandle, ids: string[]) {
  if (ids.length === 0) return [];
  return q(db).selectFrom('users').selectAll().where('id', 'in', ids).execute();
}

/** Role and/or suspension; locks nothing beyond the row it updates. Undefined when the user does not exist. */
export async function updateUserAccess(db: DbHandle, args: { userId: string; role?: Role; suspended?: boolean }) {
  const changes: { role?: Role; suspended_at?: Date | null; updated_at: Date } = { updated_at: new Date() };
  if (args.role) changes.role = args.role;
  if (args.suspended !== undefined) changes.suspended_at = args.suspended ? new Date() : null;
  return q(db).updateTable('users').set(changes).where('id', '=', args.userId).returningAll().executeTakeFirst();
}
