import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestApp, type ApiResponse, type TestApp, type TestUser } from '../../support/harness.js';
import { book, bookingBody, provider } from './fixtures.js';

type Actor = 'customer' | 'provider' | 'otherRider' | 'otherDriver' | 'admin';
const ACTORS: Actor[] = ['customer', 'provider', 'otherRider', 'otherDriver', 'admin'];
type Setup = 'none' | 'pending' | 'confirmed' | 'deleted';

interface Cell {
  endpoint: string;
  setup: Setup;
  call(t: TestApp, as: TestUser, bookingId: string, providerId: string): Promise<ApiResponse>;
  expect: Record<Actor, number>;
}

const row = (
  customer: number,
  prov: number,
  otherRider: number,
  otherDriver: number,
  admin: number,
): Record<Actor, number> => ({ customer, provider: prov, otherRider, otherDriver, admin });

const status = (s: string) => (t: TestApp, as: TestUser, id: string) =>
  t.api('POST', `/api/v1/bookings/${id}/status`, { token: as.accessToken, body: { status: s } });

/**
 * The permission matrix: every booking endpoint × every kind of caller. 404
 * for callers who may not see the booking (no leak), 403 for callers who can
 * see it but may not act, or who lack the role for an admin route.
 */
const MATRIX: Cell[] = [
  {
    endpoint: 'POST /bookings',
    setup: 'none',
    call: (t, as, _id, pid) => t.api('POST', '/api/v1/bookings', { token: as.accessToken, body: bookingBody(pid) }),
    expect: row(201, 403, 201, 403, 403),
  },
  {
    endpoint: 'GET /bookings/:id',
    setup: 'pending',
    call: (t, as, id) => t.api('GET', `/api/v1/bookings/${id}`, { token: as.accessToken }),
    expect: row(200, 200, 404, 404, 200),
  },
  {
    endpoint: 'POST /bookings/:id/status confirmed',
    setup: 'pending',
    call: status('confirmed'),
    expect: row(403, 200, 404, 404, 200),
  },
  {
    endpoint: 'POST /bookings/:id/status in_progress',
    setup: 'confirmed',
    call: status('in_progress'),
    expect: row(403, 200, 404, 404, 200),
  },
  {
    endpoint: 'POST /bookings/:id/status cancelled',
    setup: 'pending',
    call: status('cancelled'),
    expect: row(200, 200, 404, 404, 200),
  },
  {
    endpoint: 'DELETE /bookings/:id',
    setup: 'confirmed',
    call: (t, as, id) =>
      t.api('DELETE', `/api/v1/bookings/${id}`, { token: as.accessToken, body: { reason: 'matrix' } }),
    expect: row(200, 403, 404, 404, 200),
  },
  {
    endpoint: 'POST /bookings/:id/restore',
    setup: 'deleted',
    call: (t, as, id) => t.api('POST', `/api/v1/bookings/${id}/restore`, { token: as.accessToken }),
    expect: row(403, 403, 403, 403, 200),
  },
  {
    endpoint: 'GET /bookings/deleted',
    setup: 'deleted',
    call: (t, as) => t.api('GET', '/api/v1/bookings/deleted', { token: as.accessToken }),
    expect: row(403, 403, 403, 403, 200),
  },
  {
    endpoint: 'DELETE /bookings/:id/hard-delete',
    setup: 'deleted',
    call: (t, as, id) => t.api('DELETE', `/api/v1/bookings/${id}/hard-delete`, { token: as.accessToken }),
    expect: row(403, 403, 403, 403, 204),
  },
];

/** Who finds the booking in GET /bookings (own lists; admins all). */
const LISTED: Record<Actor, boolean> = {
  customer: true,
  provider: true,
  otherRider: false,
  otherDriver: false,
  admin: true,
};

describe('bookings: permission matrix', () => {
  let t: TestApp;
  let users: Record<Actor, TestUser>;
  before(async () => {
    t = await startTestApp('bookings_perm', { DB_POOL_MAX: '8' }); // the test server is shared: stay small
    users = {
      customer: await t.signup('rider'),
      provider: await provider(t),
      otherRider: await t.signup('rider'),
      otherDriver: await provider(t),
      admin: await t.admin(),
    };
  });
  after(async () => t.close());

  const snapshot = async (id: string) =>
    (
      await t.platform.database.pool.query(
        `SELECT status, deleted_at, updated_at FROM "${t.schema}".bookings WHERE id = $1`,
        [id],
      )
    ).rows[0];

  async function prepare(setup: Setup): Promise<string> {
    if (setup === 'none') return randomUUID();
    const b = await book(t, users.customer, users.provider.id);
    if (setup === 'confirmed')
      await t.api('POST', `/api/v1/bookings/${b.id}/status`, {
        token: users.provider.accessToken,
        body: { status: 'confirmed' },
      });
    if (setup === 'deleted') await t.api('DELETE', `/api/v1/bookings/${b.id}`, { token: users.customer.accessToken });
    return b.id;
  }

  for (const cell of MATRIX) {
    for (const actor of ACTORS) {
      test(`${cell.endpoint} as ${actor} → ${cell.expect[actor]}`, async () => {
        const id = await prepare(cell.setup);
        const before = cell.setup === 'none' ? undefined : await snapshot(id);
        const res = await cell.call(t, users[actor], id, users.provider.id);
        assert.equal(res.status, cell.expect[actor], JSON.stringify(res.body));
        if (res.status === 404) {
          // Indistinguishable from a booking that does not exist.
          const missing = await cell.call(t, users[actor], randomUUID(), users.provider.id);
          assert.equal(missing.status, 404);
          assert.deepEqual(res.body.error, missing.body.error);
        }
        if (res.status >= 400 && before) assert.deepEqual(await snapshot(id), before, 'a refused call changes nothing');
      });
    }
  }

  for (const actor of ACTORS) {
    test(`GET /bookings as ${actor} ${LISTED[actor] ? 'lists' : 'does not list'} the booking`, async () => {
      const id = await prepare('pending');
      const res = await t.api('GET', '/api/v1/bookings?limit=100', { token: users[actor].accessToken });
      assert.equal(res.status, 200);
      assert.equal(
        res.body.data.some((b: { id: string }) => b.id === id),
        LISTED[actor],
      );
    });
  }

  test('no token is 401 everywhere', async () => {
    const id = await prepare('pending');
    for (const [method, path] of [
      ['GET', `/api/v1/bookings/${id}`],
      ['GET', '/api/v1/bookings'],
      ['POST', '/api/v1/bookings'],
      ['DELETE', `/api/v1/bookings/${id}`],
      ['GET', '/api/v1/bookings/deleted'],
    ] as const) {
      assert.equal((await t.api(method, path)).status, 401, `${method} ${path}`);
    }
  });
});
