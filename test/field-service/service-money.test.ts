import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cardPaymentExpiryKey, cardPaymentExpiryTask, riderDuesOf } from '../../src/modules/payments/index.js';
import { applied, sql, startPaymentsApp, wallet, type PaymentsTest } from '../payments/support.js';
import { until } from '../payments/card-support.js';
import { COMMISSION, TOTAL, completedRequest, receiptOf, transfersOf } from './service-money-support.js';

describe('card service requests paid through Kashier (issue 18 #6)', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('svc_money_card');
  });
  after(async () => ctx.close());

  const cardStatus = async (id: string) =>
    (await sql(ctx.t, 'SELECT status FROM $schema.card_payments WHERE service_request_id = $1', [id]))[0]?.status;

  test('completing a card request opens a Kashier order shown on the receipt; paying it pays the provider once', async () => {
    const { t, kashier } = ctx;
    const job = await completedRequest(ctx, 'card');
    const pending = await receiptOf(ctx, job.customer, job.id);
    assert.equal(pending.status, 200, JSON.stringify(pending.body));
    assert.deepEqual([pending.body.data.method, pending.body.data.outcome], ['card', 'pending']);
    assert.equal(pending.body.data.total, TOTAL);
    assert.equal(pending.body.data.payment.status, 'pending');
    const url: string = pending.body.data.payment.paymentUrl;
    assert.equal(new URL(url).searchParams.get('amount'), (TOTAL / 100).toFixed(2), 'the order is for the invoice');
    assert.equal((await wallet(t, job.provider)).balance, 0, 'nothing moves before the customer pays');

    const paid = await kashier.pay(url);
    assert.equal(paid.webhookStatus, 200);
    assert.equal(await applied(t, paid.transactionId!), 'card_paid');
    const after = (await receiptOf(ctx, job.customer, job.id)).body.data;
    assert.deepEqual([after.outcome, after.payment.status, after.payment.paymentUrl], ['paid', 'paid', null]);
    assert.deepEqual(
      after.payments.map((p: { kind: string; amount: number }) => [p.kind, p.amount]),
      [['card_fare', TOTAL]],
    );
    assert.equal((await wallet(t, job.provider)).balance, TOTAL - COMMISSION, 'provider share, commission kept');

    // Kashier retries the very same webhook: the inbox knows it, nothing moves twice.
    const again = await kashier.deliver(kashier.paymentData({ ...(await lastPayment(job.id)), status: 'SUCCESS' }));
    assert.equal(again.status, 200);
    assert.deepEqual(await transfersOf(ctx, job.id, 'card_fare'), { n: 1, sum: TOTAL });
    assert.equal((await wallet(t, job.provider)).balance, TOTAL - COMMISSION);

    const [event] = await sql(
      t,
      `SELECT payload FROM $schema.events WHERE type = 'payment.succeeded' AND aggregate_id = $1`,
      [new URL(url).searchParams.get('orderId')],
    );
    assert.equal(event.payload.payment.serviceRequestId, job.id, 'the payment webhook names the request');
    assert.equal(event.payload.payment.kind, 'card_service');
  });

  /** The signed fields of the order as Kashier sent them the first time (same transaction id). */
  async function lastPayment(requestId: string) {
    const [row] = await sql(
      ctx.t,
      `SELECT pe.provider_transaction_id, pe.order_id, pe.payload FROM $schema.provider_events pe
       JOIN $schema.card_payments c ON c.id::text = pe.order_id WHERE c.service_request_id = $1`,
      [requestId],
    );
    const data = row.payload.data;
    return {
      transactionId: data.transactionId,
      merchantOrderId: data.merchantOrderId,
      orderId: data.orderId,
      orderReference: data.orderReference,
      amount: data.amount,
      currency: data.currency,
    };
  }

  test('an unpaid card request expires into the customer dues; the provider is paid from them as for card trips', async () => {
    const { t } = ctx;
    const job = await completedRequest(ctx, 'card');
    const [payment] = await sql(t, 'SELECT id FROM $schema.card_payments WHERE service_request_id = $1', [job.id]);
    // The clock jumps 30 minutes: the deadline's job key is re-booked for now.
    await t.platform.jobs.enqueue(
      t.platform.database.db,
      cardPaymentExpiryTask,
      { paymentId: payment.id },
      { jobKey: cardPaymentExpiryKey(payment.id), runAt: new Date() },
    );
    await until(
      'card expiry',
      () => cardStatus(job.id),
      (s) => s === 'failed',
    );
    const receipt = (await receiptOf(ctx, job.provider, job.id)).body.data;
    assert.deepEqual([receipt.outcome, receipt.payment.status], ['payment_failed', 'failed']);
    assert.equal(await riderDuesOf(t.platform.database.db, job.customer.id), TOTAL);
    assert.equal((await wallet(t, job.provider)).balance, TOTAL - COMMISSION);
  });

  test('reconciliation counts card requests: pending ones settled-awaiting, paid ones matching their card fares', async () => {
    const admin = await ctx.t.admin();
    const run = await ctx.t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    assert.equal(run.status, 200);
    const check = run.body.data.checks.find((c: { name: string }) => c.name === 'service_requests_settled_once');
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.deepEqual([check.details.cardPaid, check.details.ledgerCardFares], [1, TOTAL]);
    assert.equal(check.details.finished, check.details.settled);
    // A card fare moved twice for one request would be caught.
    await sql(
      ctx.t,
      `UPDATE $schema.service_settlements SET outcome = 'pending' WHERE method = 'card' AND outcome = 'paid'`,
    );
    const broken = await ctx.t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    const bad = broken.body.data.checks.find((c: { name: string }) => c.name === 'service_requests_settled_once');
    assert.equal(bad.ok, false, 'a card fare without a paid settlement is reported');
  });
});
