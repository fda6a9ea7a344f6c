import type { Db } from '../platform/db/database.js';
import type { AuthService } from '../modules/auth/index.js';
import type { AuthUser } from '../platform/http/route-config.js';
import { pushDevices } from '../modules/notifications/index.js';

export interface LogOutDeps {
  db: Db;
  auth: Pick<AuthService, 'logout'>;
}

/**
 * Ends the caller's session. Ending it already drops the push tokens this session registered (migration
 * 0016); `deviceToken` also drops that device's token when an earlier session of the same user registered
 * it, so the logged-out phone gets no more of this account's pushes either way.
 */
export async function logOut(deps: LogOutDeps, input: { user: AuthUser; deviceToken?: string }) {
  if (input.deviceToken) await pushDevices.forgetOwn(deps.db, input.user.id, input.deviceToken);
  await deps.auth.logout(input.user);
}
