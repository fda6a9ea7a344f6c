import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { requestService } from './support.js';

describe('service request status moves: actors, idempotent repeats (issue 18 #3)', () => {
  let t: TestApp;
  let admin: TestUser;

  before(async () => {
    t = await startTestApp('service_status', LEDGER_TEST_ENV);
    admin = await t.admin();
  });
  after(() => t.close());

  const move = (who: TestUser, id: string, body: unknown) =>
    t.api('POST', `/api/v1/service-requests/${id}/status`, { token: who.accessToken, body });
  const eventsOf = async (id: string) =>
    (
      await t.platform.database.pool.query(
        `SELECT payload FROM "${t.schema}".events WHERE aggregate_id = $1 AND type = 'service_request.status_changed'`,
        [id],
      )
    ).rows.map((r) => r.payload as { from: string; to: string; version: number });

  test('the customer cancels a searching request, then may ask again', async () => {
    const customer = await t.signup('rider');
    const first = await requestService(t, customer);
    const res = await move(customer, first.id, { status: 'cancelled', reason: 'fixed it myself' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.status, 'cancelled');
    assert.deepEqual(await eventsOf(first.id), [
      { ...(await eventsOf(first.id))[0], from: 'searching', to: 'cancelled' },
    ]);
    const again = await requestService(t, customer);
    assert.notEqual(again.id, first.id, 'a closed request no longer blocks a new one');
  });

  test('10 concurrent cancels by the customer: all 200, one move, one event', async () => {
    const customer = await t.signup('rider');
    const req = await requestService(t, customer);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => move(customer, req.id, { status: 'cancelled' })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(10).fill(200),
    );
    const versions = new Set(results.map((r) => r.body.data.version));
    assert.equal(versions.size, 1, 'every answer shows the one move');
    assert.equal((await eventsOf(req.id)).length, 1);
  });

  test('actor checks: the customer may only cancel, strangers see nothing, closed requests stay closed', async () => {
    const customer = await t.signup('rider');
    const req = await requestService(t, customer);
    const forged = await move(customer, req.id, { status: 'en_route' });
    assert.equal(forged.status, 403, 'the customer cannot move the provider’s steps');
    const stranger = await t.signup('driver');
    assert.equal((await move(stranger, req.id, { status: 'cancelled' })).status, 404);
    const byAdmin = await move(admin, req.id, { status: 'arrived' });
    assert.equal(byAdmin.status, 403, 'only the assigned provider reports arrival, not even an admin');
    assert.equal((await move(admin, req.id, { status: 'cancelled' })).status, 200);
    const late = await move(customer, req.id, { status: 'cancelled' });
    assert.equal(late.status, 409, 'a repeat by someone else is not the same move');
    const view = await t.api('GET', `/api/v1/service-requests/${req.id}`, { token: customer.accessToken });
    assert.equal(view.body.data.status, 'cancelled');
  });

  test('bad moves are 400 and change nothing', async () => {
    const customer = await t.signup('rider');
    const req = await requestService(t, customer);
    for (const body of [
      { status: 'assigned' },
      { status: 'teleported' },
      {},
      { status: 'cancelled', reason: 'x'.repeat(501) },
    ]) {
      assert.equal((await move(customer, req.id, body)).status, 400, JSON.stringify(body));
    }
    assert.equal((await move(customer, 'not-a-uuid', { status: 'cancelled' })).status, 400);
    const view = await t.api('GET', `/api/v1/service-requests/${req.id}`, { token: customer.accessToken });
    assert.deepEqual([view.body.data.status, view.body.data.version], ['searching', 1]);
  });
});
