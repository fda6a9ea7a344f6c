import type { Generated, Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { Role } from '../../platform/http/route-config.js';

interface UsersTable {
  id: Generated<string>;
  phone: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type UserRow = Selectable<UsersTable>;

type UserTables = { users: UsersTable };

const q = (db: DbHandle) => db.withTables<UserTables>();

export async function insertUser(db: DbHandle, user: { phone: string; name: string; role: Role; passwordHash: string }) {
  return q(db)
    .insertInto('users')
    .values({ phone: user.phone, name: user.name, role: user.role, password_hash: user.passwordHash })
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
