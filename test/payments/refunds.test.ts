import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { auditLedger } from '../../src/modules/ledger/index.js';
import type { TestUser } from '../../support/harness.js';
import { completeTrip, sql, startPaymentsApp, startedTrip, topUp, wallet, type PaymentsTest } from './support.js';
import { netOf, paidCardTrip, until } from './card-support.js';

const FARE = 5_000;

describe('refunds (issue 15 point 5)', () => {
  let ctx: PaymentsTest;
  let admin: TestUser;
  before(async () => {
    ctx = await startPaymentsApp('pay_refunds');
    admin = await ctx.t.admin();
  });
  after(async () => ctx.close());

  const refund = (tripId: string, body: unknown, headers: Record<string, string> = {}) =>
    ctx.t.api('POST', `/api/v1/admin/trips/${tripId}/refunds`, { token: admin.accessToken, body, headers });

  async function completedTrip(paymentMethod: 'cash' | 'wallet') {
    const { t } = ctx;
    const rider = await t.signup('rider');
    if (paymentMethod === 'wallet') await topUp(ctx, rider, FARE);
    const driver = await t.driver();
    const tripId = await startedTrip(t, rider, driver, { paymentMethod, fare: FARE });
    assert.equal((await completeTrip(t, driver, tripId)).status, 200);
    return { rider, driver, tripId };
  }

  test('a full refund of a wallet trip puts the fare back in the rider wallet, listed and audited', async () => {
    const { t } = ctx;
    const { rider, tripId } = await completedTrip('wallet');
    assert.equal((await wallet(t, rider)).balance, 0);
    const res = await refund(tripId, { amount: FARE, reason: 'Driver took a long detour' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(
      [res.body.data.amount, res.body.data.destination, res.body.data.status],
      [FARE, 'wallet', 'succeeded'],
    );
    assert.equal((await wallet(t, rider)).balance, FARE);
    const list = await t.api('GET', `/api/v1/admin/trips/${tripId}/refunds`, { token: admin.accessToken });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.map((r: any) => r.id),
      [res.body.data.id],
    );
    const audit = await sql(
      t,
      `SELECT actor_id, details FROM $schema.audit_log WHERE action = 'trip.refund' AND target_id = $1`,
      [tripId],
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_id, admin.id);
    const again = await refund(tripId, { amount: 1, reason: 'one more' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'CONFLICT');
    assert.equal(again.body.error.details.remaining, 0);
  });

  test('a partial refund of a cash trip goes to the wallet; over the remainder is 409 with what remains', async () => {
    const { t } = ctx;
    const { rider, tripId } = await completedTrip('cash');
    assert.equal((await refund(tripId, { amount: 1_500, reason: 'AC broken' })).status, 201);
    assert.equal((await wallet(t, rider)).balance, 1_500);
    const over = await refund(tripId, { amount: 4_000, reason: 'again' });
    assert.equal(over.status, 409);
    assert.equal(over.body.error.details.remaining, 3_500);
    assert.equal((await wallet(t, rider)).balance, 1_500, 'the refused refund moved nothing');
    const rest = await refund(tripId, { amount: 3_500, reason: 'rest of it' });
    assert.equal(rest.status, 201);
    assert.equal((await wallet(t, rider)).balance, FARE);
  });

  test('20 concurrent refunds of 10.00 EGP on a 50.00 EGP trip: exactly 5 succeed and 50.00 comes back', async () => {
    const { t } = ctx;
    const { rider, tripId } = await completedTrip('wallet');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refund(tripId, { amount: 1_000, reason: `complaint ${i}` })),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 15, JSON.stringify(statuses));
    const [{ n, sum }] = await sql(
      t,
      'SELECT count(*)::int AS n, coalesce(sum(amount), 0)::int AS sum FROM $schema.trip_refunds WHERE trip_id = $1',
      [tripId],
    );
    assert.deepEqual([n, sum], [5, FARE]);
    assert.equal((await wallet(t, rider)).balance, FARE);
    const [{ moved }] = await sql(
      t,
      `SELECT count(*)::int AS moved FROM $schema.ledger_transfers WHERE kind = 'refund' AND reference = $1`,
      [`trip:${tripId}`],
    );
    assert.equal(moved, 5);
    const checks = await auditLedger(t.platform.database.db);
    assert.ok(
      checks.every((c) => c.ok),
      JSON.stringify(checks),
    );
  });

  test('refunds of an unpaid or unknown trip, bad amounts and non-admins are refused and write nothing', async () => {
    const { t } = ctx;
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const ongoing = await startedTrip(t, rider, driver, { paymentMethod: 'cash', fare: FARE });
    const before = await t.count('trip_refunds');
    const unpaid = await refund(ongoing, { amount: 100, reason: 'not yet paid' });
    assert.equal(unpaid.status, 409);
    assert.equal(unpaid.body.error.details.remaining, 0);
    const unknown = await refund('00000000-0000-4000-8000-000000000000', { amount: 100, reason: 'nobody' });
    assert.equal(unknown.status, 404);
    for (const amount of [0, -100, 10.5, 1e12, '100', null]) {
      const bad = await refund(ongoing, { amount, reason: 'bad' });
      assert.equal(bad.status, 400, `amount ${amount}`);
      assert.equal(bad.body.error.code, 'VALIDATION_ERROR');
    }
    assert.equal((await refund(ongoing, { amount: 100 })).status, 400, 'a reason is required');
    const asRider = await t.api('POST', `/api/v1/admin/trips/${ongoing}/refunds`, {
      token: rider.accessToken,
      body: { amount: 100, reason: 'me' },
    });
    assert.equal(asRider.status, 403);
    assert.equal(await t.count('trip_refunds'), before);
  });

  test('a replay with the same Idempotency-Key returns the first refund and refunds once', async () => {
    const { t } = ctx;
    const { rider, tripId } = await completedTrip('cash');
    const headers = { 'idempotency-key': `refund-${tripId}` };
    const first = await refund(tripId, { amount: 700, reason: 'late pickup' }, headers);
    const second = await refund(tripId, { amount: 700, reason: 'late pickup' }, headers);
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.body.data.id, first.body.data.id);
    assert.equal((await wallet(t, rider)).balance, 700);
  });

  test('a card trip refund goes back to the card through Kashier: pending, then succeeded', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const { tripId } = await paidCardTrip(ctx, rider, driver, FARE);
    const clearingBefore = await netOf(t, 'provider_clearing');
    kashier.refundMode = 'ok';
    const res = await refund(tripId, { amount: 2_000, reason: 'overcharged' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.destination, res.body.data.status], ['card', 'pending']);
    const id = res.body.data.id;
    const list = () => t.api('GET', `/api/v1/admin/trips/${tripId}/refunds`, { token: admin.accessToken });
    await until(
      'refund',
      async () => (await list()).body.data[0].status,
      (s) => s === 'succeeded',
    );
    const call = kashier.refunds.find((r) => r.body.merchantRefundId === id)!;
    assert.equal(call.body.transaction.amount, '20.00');
    assert.equal((await wallet(t, rider)).balance, 0, 'card refunds do not touch the wallet');
    assert.equal((await netOf(t, 'provider_clearing')) - clearingBefore, 2_000, 'the money left our Kashier balance');
  });

  test('while Kashier is down a card refund stays pending and the job retries it until Kashier answers', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const { tripId } = await paidCardTrip(ctx, rider, driver, FARE);
    kashier.refundMode = 'down';
    const res = await refund(tripId, { amount: 1_000, reason: 'dirty car' });
    assert.equal(res.status, 201);
    const id = res.body.data.id;
    await until(
      'first call',
      async () => kashier.refunds.filter((r) => r.body.merchantRefundId === id).length,
      (n) => n >= 1,
    );
    const list = () => t.api('GET', `/api/v1/admin/trips/${tripId}/refunds`, { token: admin.accessToken });
    assert.equal((await list()).body.data[0].status, 'pending', 'a 503 from Kashier is not a refusal');
    kashier.refundMode = 'ok';
    await until(
      'retried refund',
      async () => (await list()).body.data[0].status,
      (s) => s === 'succeeded',
      30_000,
    );
    assert.ok(kashier.refunds.filter((r) => r.body.merchantRefundId === id).length >= 2, 'the job called again');
  });

  test('a card refund Kashier refuses ends failed and its amount can be refunded again', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const { tripId } = await paidCardTrip(ctx, rider, driver, FARE);
    kashier.refundMode = 'refuse';
    const res = await refund(tripId, { amount: FARE, reason: 'trip never happened' });
    assert.equal(res.status, 201);
    const list = () => t.api('GET', `/api/v1/admin/trips/${tripId}/refunds`, { token: admin.accessToken });
    const failed = await until(
      'refund',
      async () => (await list()).body.data[0],
      (r: any) => r.status === 'failed',
    );
    assert.match(failed.failureReason, /refused/);
    kashier.refundMode = 'ok';
    const retry = await refund(tripId, { amount: FARE, reason: 'second try' });
    assert.equal(retry.status, 201, 'the failed refund gave its amount back');
    await until(
      'retry',
      async () => (await list()).body.data[1].status,
      (s) => s === 'succeeded',
    );
  });
});
