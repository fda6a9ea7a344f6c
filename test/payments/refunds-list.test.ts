/** Issue 19.7: the console lists every trip's refunds (newest first, by status, paged) for the staff who refund. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestUser } from '../../support/harness.js';
import { staffUser } from '../console/support.js';
import { completeTrip, startPaymentsApp, startedTrip, type PaymentsTest } from './support.js';

const FARE = 5_000;

describe("every trip's refunds (GET /admin/refunds)", () => {
  let ctx: PaymentsTest;
  let admin: TestUser;
  before(async () => {
    ctx = await startPaymentsApp('pay_refunds_list');
    admin = await ctx.t.admin();
  });
  after(async () => ctx.close());

  const list = (user: TestUser, query = '') =>
    ctx.t.api('GET', `/api/v1/admin/refunds${query}`, { token: user.accessToken });

  async function refundedCashTrip(amounts: number[]) {
    const { t } = ctx;
    const driver = await t.driver();
    const tripId = await startedTrip(t, await t.signup('rider'), driver, { paymentMethod: 'cash', fare: FARE });
    assert.equal((await completeTrip(t, driver, tripId)).status, 200);
    const ids: string[] = [];
    for (const amount of amounts) {
      const res = await t.api('POST', `/api/v1/admin/trips/${tripId}/refunds`, {
        token: admin.accessToken,
        body: { amount, reason: `complaint ${amount}` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.data.id);
    }
    return { tripId, ids };
  }

  test('newest first across trips, paged with a cursor, filtered by status', async () => {
    const first = await refundedCashTrip([1_000]);
    const second = await refundedCashTrip([1_500, 500]);
    const page1 = await list(admin, '?limit=2');
    assert.equal(page1.status, 200, JSON.stringify(page1.body));
    assert.deepEqual(
      page1.body.data.map((r: any) => r.id),
      [second.ids[1], second.ids[0]],
    );
    assert.equal(page1.body.data[0].tripId, second.tripId);
    assert.equal(page1.body.data[0].amount, 500);
    const page2 = await list(admin, `?limit=2&cursor=${page1.body.meta.nextCursor}`);
    assert.equal(page2.body.data[0].id, first.ids[0]);
    const succeeded = await list(admin, '?status=succeeded&limit=100');
    assert.ok(succeeded.body.data.every((r: any) => r.status === 'succeeded'));
    assert.equal((await list(admin, '?status=failed')).body.data.length, 0);
  });

  test('support and finance read it; a dispatcher and a rider get 403; a bad query is 400', async () => {
    const { t } = ctx;
    for (const roles of [['support'], ['finance']] as const) {
      assert.equal((await list(await staffUser(t, [...roles]))).status, 200, roles[0]);
    }
    assert.equal((await list(await staffUser(t, ['dispatcher']))).status, 403);
    assert.equal((await list(await t.signup('rider'))).status, 403);
    for (const query of ['?status=lost', '?limit=0', '?cursor=nonsense']) {
      const bad = await list(admin, query);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.code, 'VALIDATION_ERROR');
    }
  });
});
