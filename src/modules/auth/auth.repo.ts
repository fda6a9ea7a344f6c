import { sql, type Generated } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { Role, StaffRole } from '../../platform/http/route-config.js';

type AuthTables = {
  users: { id: string; role: Role; suspended_at: Date | null; staff_roles: StaffRole[] };
  sessions: {
    id: Generated<string>;
    user_id: string;
    created_at: Generated<Date>;
    revoked_at: Date | null;
    revoke_reason: string | null;
  };
  refresh_tokens: {
    token_hash: string;
    session_id: string;
    expires_at: Date;
    used_at: Date | null;
    created_at: Generated<Date>;
  };
};

const q = (db: DbHandle) => db.withTables<AuthTables>();

export async function insertSession(db: DbHandle, userId: string): Promise<string> {
  const row = await q(db).insertInto('sessions').values({ user_id: userId }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertRefreshToken(db: DbHandle, args: { hash: string; sessionId: string; ttlS: number }) {
  await q(db)
    .insertInto('refresh_tokens')
    .values({
      token_hash: args.hash,
      session_id: args.sessionId,
      expires_at: sql<Date>`now() + make_interval(secs => ${args.ttlS})`,
    })
    .execute();
}

/** Marks a refresh token used (compare-and-set): returns its session only for the one caller that did. */
export async function consumeRefreshToken(db: DbHandle, hash: string) {
  return q(db)
    .updateTable('refresh_tokens')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('session_id')
    .executeTakeFirst();
}

export async function findRefreshToken(db: DbHandle, hash: string) {
  return q(db)
    .selectFrom('refresh_tokens')
    .select(['session_id', 'used_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
}

export async function findSession(db: DbHandle, id: string) {
  return q(db).selectFrom('sessions').select(['id', 'user_id', 'revoked_at']).where('id', '=', id).executeTakeFirst();
}

/** A session with its user's current role and suspension: what authorization trusts (never the token's claim). */
export async function findSessionAccess(db: DbHandle, id: string) {
  return q(db)
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.user_id', 'sessions.revoked_at', 'users.role', 'users.suspended_at', 'users.staff_roles'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
}

/** findSessionAccess for many sessions in one query (a fleet's sockets re-checked at once), with each row's id. */
export async function findSessionsAccess(db: DbHandle, ids: string[]) {
  return q(db)
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.revoked_at',
      'users.role',
      'users.suspended_at',
      'users.staff_roles',
    ])
    .where('sessions.id', 'in', ids)
    .execute();
}

/** Ends every live session of a user (erasure, suspension): their access and refresh tokens die now. */
export async function revokeUserSessions(db: DbHandle, userId: string, reason: string): Promise<number> {
  const res = await q(db)
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()`, revoke_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function revokeSession(db: DbHandle, id: string, reason: string) {
  await q(db)
    .updateTable('sessions')
    .set({ revoked_at: sql`now()`, revoke_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}
