import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestUser } from '../../support/harness.js';
import { applied, sql, startPaymentsApp, topUp, wallet, type PaymentsTest } from '../payments/support.js';
import { netOf, until } from '../payments/card-support.js';
import { COMMISSION, TOTAL, completedRequest, receiptOf, transfersOf } from './service-money-support.js';

describe('refunds and tips of service requests, as for trips (issue 18 #6)', () => {
  let ctx: PaymentsTest;
  let admin: TestUser;
  before(async () => {
    ctx = await startPaymentsApp('svc_money_refunds');
    admin = await ctx.t.admin();
  });
  after(async () => ctx.close());

  const refund = (id: string, body: unknown, token = admin.accessToken) =>
    ctx.t.api('POST', `/api/v1/admin/service-requests/${id}/refunds`, { token, body });
  const tip = (who: TestUser, id: string, amount: unknown) =>
    ctx.t.api('POST', `/api/v1/service-requests/${id}/tip`, { token: who.accessToken, body: { amount } });

  async function walletRequest() {
    const customer = await ctx.t.signup('rider');
    await topUp(ctx, customer, TOTAL);
    return completedRequest(ctx, 'wallet', customer);
  }

  test('20 concurrent refunds of 15.00 EGP on a 100.00 EGP wallet request: 6 succeed, never more than paid', async () => {
    const { t } = ctx;
    const job = await walletRequest();
    assert.equal((await wallet(t, job.customer)).balance, 0);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refund(job.id, { amount: 1_500, reason: `complaint ${i}` })),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 201).length, 6, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 14, JSON.stringify(statuses));
    assert.deepEqual(await transfersOf(ctx, job.id, 'refund'), { n: 6, sum: 9_000 });
    assert.equal((await wallet(t, job.customer)).balance, 9_000, 'refunded to the customer wallet');
    assert.equal((await wallet(t, job.provider)).balance, TOTAL - COMMISSION, 'the provider keeps the earnings');
    const last = await refund(job.id, { amount: 1_001, reason: 'one too many' });
    assert.deepEqual([last.status, last.body.error.details.remaining], [409, 1_000]);

    const mine = await t.api('GET', `/api/v1/admin/service-requests/${job.id}/refunds`, { token: admin.accessToken });
    assert.equal(mine.body.data.length, 6);
    const all = await t.api('GET', '/api/v1/admin/refunds?limit=100', { token: admin.accessToken });
    const listed = all.body.data.filter((r: { serviceRequestId: string | null }) => r.serviceRequestId === job.id);
    assert.deepEqual(
      listed.map((r: { tripId: string | null; destination: string }) => [r.tripId, r.destination]),
      Array(6).fill([null, 'wallet']),
    );
    const receipt = (await receiptOf(ctx, job.customer, job.id)).body.data;
    assert.equal(receipt.refunds.length, 6);
    const [{ n }] = await sql(
      t,
      `SELECT count(*)::int AS n FROM $schema.events WHERE type = 'refund.succeeded'
      AND payload->'refund'->>'serviceRequestId' = $1`,
      [job.id],
    );
    assert.equal(n, 6, 'refund.succeeded (a webhook event) names the request');
    const run = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    const check = run.body.data.checks.find((c: { name: string }) => c.name === 'refunds_within_paid');
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.ok(check.details.refundedServiceRequests >= 1);
  });

  test('a paid card request is refunded to the card through Kashier: pending, then succeeded', async () => {
    const { t, kashier } = ctx;
    const job = await completedRequest(ctx, 'card');
    const unpaid = await refund(job.id, { amount: 100, reason: 'not paid yet' });
    assert.deepEqual([unpaid.status, unpaid.body.error.details.remaining], [409, 0], 'a pending card paid nothing');
    const url = (await receiptOf(ctx, job.customer, job.id)).body.data.payment.paymentUrl;
    assert.equal(await applied(t, (await kashier.pay(url)).transactionId!), 'card_paid');
    const clearingBefore = await netOf(t, 'provider_clearing');
    kashier.refundMode = 'ok';
    const res = await refund(job.id, { amount: 2_000, reason: 'overcharged for labour' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.destination, res.body.data.status], ['card', 'pending']);
    await until(
      'card refund',
      async () => (await receiptOf(ctx, job.customer, job.id)).body.data.refunds[0]?.status,
      (s) => s === 'succeeded',
    );
    const call = kashier.refunds.find((r) => r.body.merchantRefundId === res.body.data.id)!;
    assert.equal(call.body.transaction.amount, '20.00');
    assert.equal((await netOf(t, 'provider_clearing')) - clearingBefore, 2_000, 'the money left our Kashier balance');
  });

  test('20 concurrent wallet tips on one request: exactly one wins, 100 % to the provider, on the receipt', async () => {
    const { t } = ctx;
    const job = await completedRequest(ctx, 'cash');
    await topUp(ctx, job.customer, 5_000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => tip(job.customer, job.id, 1_000)));
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 19, JSON.stringify(statuses));
    const won = answers.find((a) => a.status === 201)!.body.data;
    assert.deepEqual([won.serviceRequestId, won.tripId, won.status], [job.id, null, 'paid']);
    assert.deepEqual(await transfersOf(ctx, job.id, 'tip'), { n: 1, sum: 1_000 });
    assert.equal((await wallet(t, job.customer)).balance, 4_000);
    const provider = await wallet(t, job.provider);
    assert.equal(provider.balance, 1_000 - COMMISSION, 'the whole tip, on top of the cash commission owed');
    assert.equal((await receiptOf(ctx, job.customer, job.id)).body.data.tip, 1_000);
  });

  test('a card request tip is a Kashier order paid to the provider in full', async () => {
    const { t, kashier } = ctx;
    const job = await completedRequest(ctx, 'card');
    const res = await tip(job.customer, job.id, 1_500);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.data.status, 'pending');
    const paid = await kashier.pay(res.body.data.paymentUrl);
    assert.equal(await applied(t, paid.transactionId!), 'card_tip_paid');
    assert.deepEqual(await transfersOf(ctx, job.id, 'tip'), { n: 1, sum: 1_500 });
    assert.equal((await wallet(t, job.provider)).balance, 1_500, 'invoice unpaid yet: the wallet holds the tip only');
    const [event] = await sql(
      t,
      `SELECT payload FROM $schema.events WHERE type = 'payment.succeeded'
      AND payload->'payment'->>'transactionId' = $1`,
      [paid.transactionId],
    );
    assert.deepEqual([event.payload.payment.kind, event.payload.payment.serviceRequestId], ['card_tip', job.id]);
  });

  test('bad tips and refunds are refused with 4xx and write nothing', async () => {
    const { t } = ctx;
    const job = await walletRequest();
    await topUp(ctx, job.customer, 5_000);
    const stranger = await t.signup('rider');
    const counts = async () => [
      await t.count('trip_tips'),
      await t.count('trip_refunds'),
      await t.count('ledger_transfers'),
    ];
    const before = await counts();
    for (const amount of [0, -100, 10.5, 50_001, '100', null])
      assert.equal((await tip(job.customer, job.id, amount)).status, 400, `tip ${amount}`);
    const overInvoice = await tip(job.customer, job.id, TOTAL + 1);
    assert.equal(overInvoice.status, 400, 'a tip over the invoice total');
    assert.equal((await tip(job.provider, job.id, 100)).status, 403, 'the provider does not tip themselves');
    assert.equal((await tip(stranger, job.id, 100)).status, 404, "someone else's request");
    const unknown = '00000000-0000-4000-8000-000000000000';
    assert.equal((await tip(job.customer, unknown, 100)).status, 404);
    await sql(t, `UPDATE $schema.service_requests SET status_changed_at = now() - interval '25 hours' WHERE id = $1`, [
      job.id,
    ]);
    assert.equal((await tip(job.customer, job.id, 100)).status, 409, 'past the 24 h window');
    const open = await ctx.t.api('POST', '/api/v1/service-requests', {
      token: stranger.accessToken,
      body: {
        serviceType: 'battery',
        location: { lat: 30.05, lng: 31.24 },
        vehicle: { make: 'Kia', model: 'Rio' },
        paymentMethod: 'cash',
      },
    });
    assert.equal(open.status, 201, JSON.stringify(open.body));
    assert.equal((await tip(stranger, open.body.data.id, 100)).status, 409, 'not completed yet');

    for (const amount of [0, -1, 1.5, 1e12, '100'])
      assert.equal((await refund(job.id, { amount, reason: 'bad' })).status, 400, `refund ${amount}`);
    assert.equal((await refund(job.id, { amount: 100 })).status, 400, 'a reason is required');
    assert.equal((await refund(unknown, { amount: 100, reason: 'nobody' })).status, 404);
    assert.equal((await refund(open.body.data.id, { amount: 100, reason: 'unsettled' })).status, 409);
    assert.equal((await refund(job.id, { amount: TOTAL + 1, reason: 'more than paid' })).status, 409);
    assert.equal((await refund(job.id, { amount: 100, reason: 'me' }, job.customer.accessToken)).status, 403);
    assert.deepEqual(await counts(), before);
  });
});
