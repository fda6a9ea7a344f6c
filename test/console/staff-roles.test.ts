/**
 * Issue 19 point 2: staff roles granted by admins and enforced by the API,
 * route group by route group, read from the user's row (a grant or a
 * revocation applies to the next request, no new login).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { routeTable } from '../../src/platform/http/route-table.js';
import { STAFF_ROLES, type StaffRole } from '../../src/platform/http/route-config.js';
import { acceptedTrip, eventually, query } from '../support/fixtures.js';
import { staffUser } from './support.js';

describe('staff roles', () => {
  let t: TestApp;
  let admin: TestUser;
  const staff = {} as Record<StaffRole, TestUser>;

  before(async () => {
    t = await startTestApp('staff_roles', { DISPATCH_INLINE_FIRST_ROUND: 'false', SUPPORT_REFUND_LIMIT: '500' });
    admin = await t.admin();
    for (const role of STAFF_ROLES) staff[role] = await staffUser(t, [role]);
  });
  after(async () => t.close());

  test('an admin grants and replaces roles; the answer and the row show them, audited', async () => {
    const user = await t.signup('rider');
    const put = (roles: unknown) =>
      t.api('PUT', `/api/v1/admin/users/${user.id}/roles`, { token: admin.accessToken, body: { roles } });
    const granted = await put(['support', 'dispatcher', 'support']);
    assert.equal(granted.status, 200);
    assert.deepEqual(granted.body.data.staffRoles, ['dispatcher', 'support']);
    assert.equal((await put([])).body.data.staffRoles.length, 0);
    const audits = await query(t, `SELECT details FROM $schema.audit_log WHERE target_id = $1`, [user.id]);
    assert.equal(audits.length, 2);
  });

  test('bad input is 400 and writes nothing; non-admins 403; own account 403; unknown user 404', async () => {
    const user = await t.signup('rider');
    const url = `/api/v1/admin/users/${user.id}/roles`;
    for (const body of [{ roles: ['admin'] }, { roles: 'dispatcher' }, {}, { roles: [], extra: 1 }]) {
      const res = await t.api('PUT', url, { token: admin.accessToken, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    const [row] = await query<{ staff_roles: string[] }>(t, `SELECT staff_roles FROM $schema.users WHERE id = $1`, [
      user.id,
    ]);
    assert.deepEqual(row!.staff_roles, []);
    for (const caller of [...Object.values(staff), user]) {
      const res = await t.api('PUT', url, { token: caller.accessToken, body: { roles: ['finance'] } });
      assert.equal(res.status, 403);
    }
    const own = await t.api('PUT', `/api/v1/admin/users/${admin.id}/roles`, {
      token: admin.accessToken,
      body: { roles: ['finance'] },
    });
    assert.equal(own.status, 403);
    const missing = await t.api('PUT', `/api/v1/admin/users/00000000-0000-4000-8000-000000000000/roles`, {
      token: admin.accessToken,
      body: { roles: ['finance'] },
    });
    assert.equal(missing.status, 404);
  });

  test('every admin route answers each staff role by its group: 403 outside it, never 401/403-by-role inside', async () => {
    const problems: string[] = [];
    const staffRoutes = routeTable(t.app.http).filter(
      (r) =>
        r.method !== 'HEAD' &&
        Array.isArray(r.config.auth) &&
        r.config.auth.includes('admin') &&
        r.url.startsWith('/api/v1/admin'),
    );
    assert.ok(staffRoutes.length > 30);
    for (const route of staffRoutes) {
      const url = route.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      for (const role of STAFF_ROLES) {
        const res = await t.api(route.method, url, { token: staff[role].accessToken, body: {} });
        const byRole = res.status === 403 && /^Requires role/.test(res.body?.error?.message ?? '');
        const allowed = (route.config.auth as readonly string[]).includes(role);
        if (res.status === 401 || res.status >= 500 || byRole === allowed)
          problems.push(`${route.method} ${route.url} as ${role}: ${res.status} ${res.body?.error?.message}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the groups: dispatcher runs SOS and drivers, finance the money, support reads trips; flags stay admin', async () => {
    const can = async (user: TestUser, path: string) => (await t.api('GET', path, { token: user.accessToken })).status;
    assert.equal(await can(staff.dispatcher, '/api/v1/admin/sos'), 200);
    assert.equal(await can(staff.finance, '/api/v1/admin/sos'), 403);
    assert.equal(await can(staff.finance, '/api/v1/admin/withdrawals'), 200);
    assert.equal(await can(staff.dispatcher, '/api/v1/admin/withdrawals'), 403);
    for (const role of STAFF_ROLES) assert.equal(await can(staff[role], '/api/v1/admin/flags'), 403);
    const trip = await acceptedTrip(t, await t.signup('rider'), await t.driver());
    assert.equal(await can(staff.support, `/api/v1/trips/${trip.id}`), 200);
    assert.equal(await can(staff.support, `/api/v1/trips/${trip.id}/messages`), 200);
    assert.equal(await can(staff.dispatcher, `/api/v1/admin/trips/${trip.id}/offers`), 200);
    assert.equal(await can(staff.finance, `/api/v1/trips/${trip.id}`), 404);
  });

  test('support refunds up to SUPPORT_REFUND_LIMIT; above it 403 and nothing written; finance has no limit', async () => {
    const trip = await acceptedTrip(t, await t.signup('rider'), await t.driver());
    const refund = (user: TestUser, amount: number) =>
      t.api('POST', `/api/v1/admin/trips/${trip.id}/refunds`, {
        token: user.accessToken,
        body: { amount, reason: 'late driver' },
      });
    const over = await refund(staff.support, 501);
    assert.equal(over.status, 403);
    assert.equal(over.body.error.details.limit, 500);
    // Within the limit (or as finance) the request reaches the settlement: an unpaid trip has nothing to refund.
    assert.equal((await refund(staff.support, 500)).status, 409);
    assert.equal((await refund(staff.finance, 501)).status, 409);
    assert.equal(await t.count('trip_refunds'), 0);
  });

  test('a revoked role stops working within 2 s for the same token, with no new login', async () => {
    const user = await staffUser(t, ['dispatcher']);
    assert.equal((await t.api('GET', '/api/v1/admin/sos', { token: user.accessToken })).status, 200);
    const res = await t.api('PUT', `/api/v1/admin/users/${user.id}/roles`, {
      token: admin.accessToken,
      body: { roles: [] },
    });
    assert.equal(res.status, 200);
    // Postgres announces the change to every node's session cache on commit (migration 0039's trigger).
    await eventually(
      async () => (await t.api('GET', '/api/v1/admin/sos', { token: user.accessToken })).status === 403,
      2_000,
    );
  });
});
