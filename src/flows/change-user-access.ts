import type { Db } from '../platform/db/database.js';
import { withTransaction } from '../platform/db/transaction.js';
import { forbidden, notFound } from '../platform/errors.js';
import type { AuthUser, Role } from '../platform/http/route-config.js';
import { recordAudit } from '../platform/audit/audit.repo.js';
import { revokeAllSessionsOf } from '../modules/auth/index.js';
import { toPublicUser, userAccounts, type PublicUser } from '../modules/users/index.js';

export interface AccessChange {
  userId: string;
  role?: Role;
  suspended?: boolean;
}

/**
 * An admin changes a user's role or suspends/reinstates the account, in one
 * transaction with its audit row. Every node hears of it from Postgres
 * (migration 0015) and applies it to the user's next request or socket event.
 * Suspending also ends every session, so lifting a suspension never revives
 * an old token: the user signs in again. Users and sessions are two modules'
 * rows, hence a flow.
 */
export async function changeUserAccess(
  deps: { db: Db },
  { admin, change }: { admin: AuthUser; change: AccessChange },
): Promise<PublicUser & { suspended: boolean }> {
  // An admin locking themselves out leaves nobody to undo it.
  if (change.userId === admin.id) throw forbidden('Admins cannot change their own role or suspension');
  return withTransaction(deps.db, async (tx) => {
    const row = await userAccounts.changeAccess(tx, change);
    if (!row) throw notFound('User');
    const sessionsRevoked = change.suspended ? await revokeAllSessionsOf(tx, row.id, 'suspended') : 0;
    await recordAudit(tx, {
      actorId: admin.id,
      action: 'user.access_changed',
      targetType: 'user',
      targetId: row.id,
      details: { role: change.role, suspended: change.suspended, sessionsRevoked },
    });
    return { ...toPublicUser(row, admin), suspended: row.suspended_at !== null };
  });
}
