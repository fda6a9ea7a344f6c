/** Console staff for suites, screenshots and bench:console (not a test file itself). */
import assert from 'node:assert/strict';
import type { StaffRole } from '../src/platform/http/route-config.js';
import type { TestApp, TestUser } from './harness.js';

/** A signed-up user an admin granted `roles` (PUT /admin/users/:id/roles); their token is from before the grant. */
export async function staffUser(t: TestApp, roles: StaffRole[]): Promise<TestUser> {
  const user = await t.signup('rider');
  const admin = await t.admin();
  const res = await t.api('PUT', `/api/v1/admin/users/${user.id}/roles`, {
    token: admin.accessToken,
    body: { roles },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return user;
}
