import type { DbHandle } from '../../platform/db/database.js';
import { revokeUserSessions } from './auth.repo.js';

/**
 * Ends every live session of a user, in the caller's transaction (erasure,
 * suspension). Postgres announces each revocation (migration 0013), so every
 * node forgets the sessions and closes their sockets.
 */
export function revokeAllSessionsOf(tx: DbHandle, userId: string, reason: string): Promise<number> {
  return revokeUserSessions(tx, userId, reason);
}
