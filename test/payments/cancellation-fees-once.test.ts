import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { sql, startPaymentsApp, topUp, wallet, type PaymentsTest } from './support.js';
import {
  arrivedTrip,
  cancel,
  FEE,
  FEE_COMMISSION,
  feeTransfers,
  net,
  reconciles,
  TOP_UP,
} from './cancellation-support.js';

/**
 * A fee moves money once: an admin waives it once (paid or owed, audited, refused when it should be), and concurrent
 * or replayed cancels charge it once.
 */
describe('cancellation fees: waived once, charged once', () => {
  let ctx: PaymentsTest;
  let t: TestApp;
  let admin: TestUser;
  before(async () => {
    ctx = await startPaymentsApp('pay_fees_once');
    t = ctx.t;
    admin = await t.admin();
  });
  after(async () => ctx.close());

  test('an admin waives a paid fee: the rider gets it back, driver and platform give theirs back, audited, once', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    assert.equal((await cancel(t, rider, tripId)).status, 200);
    const revenueBefore = await net(t, 'platform_revenue');
    const path = `/api/v1/admin/trips/${tripId}/waive-fee`;
    const res = await t.api('POST', path, { token: admin.accessToken, body: { reason: 'driver was late' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.status, res.body.data.paidFrom, res.body.data.amount], ['waived', 'wallet', FEE]);
    assert.equal((await wallet(t, rider)).balance, TOP_UP);
    assert.equal((await wallet(t, driver)).balance, 0);
    assert.equal((await net(t, 'platform_revenue')) - revenueBefore, -FEE_COMMISSION);
    const trip = await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken });
    assert.deepEqual(
      trip.body.data.cancellation.fee,
      { amount: FEE, currency: 'EGP', waived: true },
      'the trip says so',
    );
    const audit = await sql(t, `SELECT actor_id, action FROM $schema.audit_log WHERE target_id = $1`, [tripId]);
    assert.deepEqual(audit, [{ actor_id: admin.id, action: 'trip.fee_waived' }]);
    const again = await t.api('POST', path, { token: admin.accessToken, body: { reason: 'again' } });
    assert.equal(again.status, 409, 'a fee is waived once');
    assert.equal((await wallet(t, rider)).balance, TOP_UP);
    await reconciles(t, admin);
  });

  test('an admin waives an owed fee: the dues are cleared', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver);
    assert.equal((await cancel(t, rider, tripId)).status, 200);
    const res = await t.api('POST', `/api/v1/admin/trips/${tripId}/waive-fee`, {
      token: admin.accessToken,
      body: { reason: 'goodwill' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(await wallet(t, rider), {
      balance: 0,
      pending: 0,
      available: 0,
      creditLimit: 0,
      dues: 0,
      currency: 'EGP',
    });
    assert.equal((await wallet(t, driver)).balance, 0);
    await reconciles(t, admin);
  });

  test('10 admins waiving the same fee at once return it once', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    assert.equal((await cancel(t, rider, tripId)).status, 200);
    const admins = await Promise.all(Array.from({ length: 10 }, () => t.admin()));
    const results = await Promise.all(
      admins.map((a) =>
        t.api('POST', `/api/v1/admin/trips/${tripId}/waive-fee`, { token: a.accessToken, body: { reason: 'dup' } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, ...Array(9).fill(409)], JSON.stringify(statuses));
    assert.equal((await wallet(t, rider)).balance, TOP_UP, 'the fee came back once');
    assert.equal((await wallet(t, driver)).balance, 0);
    const audit = await sql(t, `SELECT count(*)::int AS n FROM $schema.audit_log WHERE target_id = $1`, [tripId]);
    assert.equal(audit[0].n, 1);
    await reconciles(t, admin);
  });

  test('waiving: not an admin 403, a trip without a fee 404, bad input 400, nothing written', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver);
    const path = `/api/v1/admin/trips/${tripId}/waive-fee`;
    const body = { reason: 'x' };
    assert.equal((await t.api('POST', path, { token: rider.accessToken, body })).status, 403);
    const noFee = await t.api('POST', path, { token: admin.accessToken, body });
    assert.equal(noFee.status, 404, 'the trip is not cancelled: it has no fee');
    for (const bad of [{}, { reason: '' }, { reason: 'x', amount: 5 }]) {
      const res = await t.api('POST', path, { token: admin.accessToken, body: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    const badId = await t.api('POST', '/api/v1/admin/trips/not-a-uuid/waive-fee', { token: admin.accessToken, body });
    assert.equal(badId.status, 400);
    assert.equal(
      (await sql(t, `SELECT count(*)::int AS n FROM $schema.audit_log WHERE target_id = $1`, [tripId]))[0].n,
      0,
    );
  });

  test('20 concurrent cancels (10 replays of one Idempotency-Key, 10 without) charge the fee once', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    const key = { 'idempotency-key': `cancel-${tripId}` };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => cancel(t, rider, tripId, i < 10 ? key : {})),
    );
    const ok = results.filter((r) => r.status === 200);
    assert.ok(ok.length >= 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results) assert.ok([200, 409].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
    const transfers = await feeTransfers(t, tripId);
    assert.deepEqual(
      transfers.map((x) => [x.kind, Number(x.amount)]),
      [
        ['cancellation_fee', FEE],
        ['commission', FEE_COMMISSION],
      ],
    );
    assert.equal((await wallet(t, rider)).balance, TOP_UP - FEE);
    // The key's stored answer is whichever keyed request ran (200 if it won the cancel, 409 if another did). The
    // other keyed requests found the key in use, or, arriving after it finished, got its answer replayed.
    const keyedResults = results.slice(0, 10);
    const replays = keyedResults.filter((r) => r.headers['idempotent-replay'] === 'true');
    const keyed = keyedResults.filter(
      (r) => r.body.error?.code !== 'IDEMPOTENCY_KEY_IN_USE' && r.headers['idempotent-replay'] !== 'true',
    );
    assert.equal(keyed.length, 1, 'one keyed request ran; the others found the key in use or got its answer');
    for (const r of replays) assert.deepEqual([r.status, r.body.data], [keyed[0]!.status, keyed[0]!.body.data]);
    const replay = await cancel(t, rider, tripId, key);
    assert.deepEqual([replay.status, replay.body.data], [keyed[0]!.status, keyed[0]!.body.data], 'a replay gets it');
    const repeat = await cancel(t, rider, tripId);
    assert.equal(repeat.status, 409, 'a repeated cancel is refused');
    assert.equal((await wallet(t, rider)).balance, TOP_UP - FEE, 'and charges nothing');
    await reconciles(t, admin);
  });

  test('a replayed cancel (same Idempotency-Key) answers the first response and charges nothing more', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    const key = { 'idempotency-key': `cancel-once-${tripId}` };
    const first = await cancel(t, rider, tripId, key);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const replay = await cancel(t, rider, tripId, key);
    assert.deepEqual([replay.status, replay.body.data], [200, first.body.data]);
    assert.equal((await wallet(t, rider)).balance, TOP_UP - FEE);
    assert.equal((await feeTransfers(t, tripId)).length, 2, 'one fee and its commission');
  });
});
