import type { Generated, Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { Role, StaffRole } from '../../platform/http/route-config.js';
import type { Locale } from '../../shared/index.js';

interface UsersTable {
  id: Generated<string>;
  phone: string;
  name: string;
  role: Role;
  /** Console roles an admin granted (migration 0039). */
  staff_roles: Generated<StaffRole[]>;
  password_hash: string;
  /** Set while an admin has suspended the account (migration 0014): no sign-in, no session. */
  suspended_at: Date | null;
  /** Language of the texts the user is sent (migration 0025). */
  locale: Generated<Locale>;
  /** Why, and until when (null: until an admin lifts it); migration 0021. */
  suspension_reason: Generated<string | null>;
  suspended_until: Generated<Date | null>;
  /** What the other side of their trips rated this user (issue 16; migration 0021); drivers also on their profile. */
  rating: Generated<number>;
  ratings_count: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type UserRow = Selectable<UsersTable>;

type UserTables = { users: UsersTable };

const q = (db: DbHandle) => db.withTables<UserTables>();

export async function insertUser(
  db: DbHandle,
  user: { phone: string; name: string; role: Role; passwordHash: string; locale?: Locale },
) {
  return q(db)
    .insertInto('users')
    .values({
      phone: user.phone,
      name: user.name,
      role: user.role,
      password_hash: user.passwordHash,
      locale: user.locale,
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

/** What users change about themselves (PATCH /me). */
export async function updateUserProfile(db: DbHandle, args: { userId: string; name?: string; locale?: Locale }) {
  return q(db)
    .updateTable('users')
    .set({ name: args.name, locale: args.locale, updated_at: new Date() })
    .where('id', '=', args.userId)
    .returningAll()
    .executeTakeFirst();
}

export interface AccessUpdate {
  userId: string;
  role?: Role;
  /** The user's whole set of staff roles (replaces the previous set). */
  staffRoles?: StaffRole[];
  suspended?: boolean;
  /** With `suspended: true`: why, and when it lifts by itself (none: until an admin lifts it). */
  reason?: string;
  until?: Date;
}

/** Role and/or suspension; locks nothing beyond the row it updates. Undefined when the user does not exist. */
export async function updateUserAccess(db: DbHandle, args: AccessUpdate) {
  const changes: {
    role?: Role;
    staff_roles?: StaffRole[];
    suspended_at?: Date | null;
    suspension_reason?: string | null;
    suspended_until?: Date | null;
    updated_at: Date;
  } = { updated_at: new Date() };
  if (args.role) changes.role = args.role;
  if (args.staffRoles) changes.staff_roles = [...new Set(args.staffRoles)].sort();
  if (args.suspended !== undefined) {
    changes.suspended_at = args.suspended ? new Date() : null;
    changes.suspension_reason = args.suspended ? (args.reason ?? null) : null;
    changes.suspended_until = args.suspended ? (args.until ?? null) : null;
  }
  return q(db).updateTable('users').set(changes).where('id', '=', args.userId).returningAll().executeTakeFirst();
}

/** The rider rating aggregate (the rate-trip flow computes it under the ratee's lock). */
export async function updateUserRating(db: DbHandle, userId: string, agg: { rating: number; count: number }) {
  await q(db)
    .updateTable('users')
    .set({ rating: agg.rating, ratings_count: agg.count })
    .where('id', '=', userId)
    .execute();
}
