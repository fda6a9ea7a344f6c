import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cardTipExpiryKey, cardTipExpiryTask, riderDuesOf } from '../../src/modules/payments/index.js';
import type { TestApp, TestUser } from '../../support/harness.js';
import { applied, sql, startPaymentsApp, wallet, type PaymentsTest } from './support.js';
import { completedCardTrip, until } from './card-support.js';

const FARE = 5_000;
const TIP = 1_000;

describe('card tips (issue 15 point 6)', () => {
  let ctx: PaymentsTest;
  let t: TestApp;
  before(async () => {
    ctx = await startPaymentsApp('pay_card_tips');
    t = ctx.t;
  });
  after(async () => ctx.close());

  /** A completed card trip (its fare left unpaid, so the driver's wallet shows only the tip). */
  async function cardTrip(fare = FARE) {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const { tripId } = await completedCardTrip(t, rider, driver, fare);
    return { rider, driver, tripId };
  }

  function tip(rider: TestUser, tripId: string, amount: number) {
    return t.api('POST', `/api/v1/trips/${tripId}/tip`, { token: rider.accessToken, body: { amount } });
  }

  const orderOf = (paymentUrl: string) => new URL(paymentUrl).searchParams.get('orderId')!;

  async function tipRow(tripId: string) {
    const [row] = await sql(t, 'SELECT status, amount, order_id FROM $schema.trip_tips WHERE trip_id = $1', [tripId]);
    return row as { status: string; amount: string; order_id: string } | undefined;
  }

  async function tipTransfers(tripId: string): Promise<number> {
    const [{ n }] = await sql(
      t,
      `SELECT count(*)::int AS n FROM $schema.ledger_transfers WHERE kind = 'tip' AND reference = $1`,
      [`trip:${tripId}`],
    );
    return n;
  }

  test('a card trip tip answers 201 pending with a Kashier paymentUrl and is paid to the driver once under webhook replays', async () => {
    const { rider, driver, tripId } = await cardTrip();
    const res = await tip(rider, tripId, TIP);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.status, res.body.data.amount, res.body.data.driverId], ['pending', TIP, driver.id]);
    assert.match(res.body.data.paymentUrl, /orderId=/);
    assert.equal((await tip(rider, tripId, 500)).status, 409, 'a pending card tip blocks a second one');
    assert.equal((await wallet(t, driver)).balance, 0, 'nothing moves before Kashier says so');

    const data = ctx.kashier.paymentData({
      merchantOrderId: orderOf(res.body.data.paymentUrl),
      amount: '10.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    const deliveries = await Promise.all(Array.from({ length: 5 }, () => ctx.kashier.deliver(data)));
    assert.ok(deliveries.every((d) => d.status === 200));
    assert.equal(await applied(t, data.transactionId), 'card_tip_paid');
    const second = await ctx.kashier.pay(res.body.data.paymentUrl);
    assert.equal(await applied(t, second.transactionId!), 'card_tip_already_closed');

    assert.equal((await tipRow(tripId))?.status, 'paid');
    assert.equal(await tipTransfers(tripId), 1);
    assert.equal((await wallet(t, driver)).balance, TIP, '100 % of the tip, once');
    const [driverTx] = (await t.api('GET', '/api/v1/wallet/transactions', { token: driver.accessToken })).body.data;
    assert.deepEqual([driverTx.amount, driverTx.kind, driverTx.reference], [TIP, 'tip', `trip:${tripId}`]);
    assert.equal((await tip(rider, tripId, 500)).status, 409, 'a paid tip is the trip’s one tip');
    const recon = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: (await t.admin()).accessToken });
    const deposits = recon.body.data.checks.find((c: { name: string }) => c.name === 'deposits_match_provider');
    assert.equal(deposits.ok, true, 'a card tip is not mistaken for an uncredited deposit');
  });

  test('a replayed tip request answers the same order; a webhook for an unknown tip order or another amount is refused with 4xx and writes nothing', async () => {
    const { rider, driver, tripId } = await cardTrip();
    const key = { 'idempotency-key': `card-tip-${tripId}` };
    const send = () =>
      t.api('POST', `/api/v1/trips/${tripId}/tip`, { token: rider.accessToken, body: { amount: TIP }, headers: key });
    const res = await send();
    assert.equal(res.status, 201);
    const replay = await send();
    assert.deepEqual([replay.status, replay.body.data], [201, res.body.data], 'a replay answers the same order');
    const events = await t.count('provider_events');
    const unknown = ctx.kashier.paymentData({
      merchantOrderId: '00000000-0000-4000-8000-000000000001',
      amount: '10.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    const a = await ctx.kashier.deliver(unknown);
    assert.deepEqual([a.status, a.body.error.code], [404, 'NOT_FOUND']);
    const cheaper = ctx.kashier.paymentData({
      merchantOrderId: orderOf(res.body.data.paymentUrl),
      amount: '1.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    const b = await ctx.kashier.deliver(cheaper);
    assert.deepEqual([b.status, b.body.error.code], [409, 'CONFLICT']);
    assert.equal(await t.count('provider_events'), events);
    assert.equal((await tipRow(tripId))?.status, 'pending');
    assert.equal((await wallet(t, driver)).balance, 0);
  });

  test('a card tip over the fare or over 500.00 EGP is 400 and opens no order', async () => {
    const { rider, tripId } = await cardTrip();
    const over = await tip(rider, tripId, FARE + 1);
    assert.deepEqual([over.status, over.body.error.code], [400, 'VALIDATION_ERROR']);
    const big = await cardTrip(80_000);
    assert.equal((await tip(big.rider, big.tripId, 50_001)).status, 400);
    assert.equal(await tipRow(tripId), undefined);
    assert.equal(await tipRow(big.tripId), undefined);
  });

  test('a card tip unpaid after 30 minutes fails, nothing is owed, a late payment pays nothing and the rider may tip again', async () => {
    const { rider, driver, tripId } = await cardTrip();
    const first = await tip(rider, tripId, TIP);
    const orderId = orderOf(first.body.data.paymentUrl);
    const [job] = await sql(t, `SELECT run_at FROM "${t.schema}_jobs"._private_jobs WHERE key = $1`, [
      cardTipExpiryKey(orderId),
    ]);
    const minutesAhead = (new Date(job.run_at).getTime() - Date.now()) / 60_000;
    assert.ok(minutesAhead > 29 && minutesAhead <= 30, `deadline booked ${minutesAhead} min ahead`);
    // The clock jumps 30 minutes: the same job key is re-booked for now.
    const db = t.platform.database.db;
    await t.platform.jobs.enqueue(
      db,
      cardTipExpiryTask,
      { orderId },
      { jobKey: cardTipExpiryKey(orderId), runAt: new Date() },
    );
    await until(
      'tip expiry',
      async () => (await tipRow(tripId))?.status,
      (s) => s === 'failed',
    );
    assert.equal(await riderDuesOf(db, rider.id), 0, 'a failed tip is never owed');
    const late = await ctx.kashier.pay(first.body.data.paymentUrl);
    assert.equal(await applied(t, late.transactionId!), 'card_tip_already_closed');
    assert.equal(await tipTransfers(tripId), 0);

    const retry = await tip(rider, tripId, 800);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.equal(retry.body.data.status, 'pending');
    assert.notEqual(orderOf(retry.body.data.paymentUrl), orderId, 'a retry is a new Kashier order');
    const paid = await ctx.kashier.pay(retry.body.data.paymentUrl);
    assert.equal(await applied(t, paid.transactionId!), 'card_tip_paid');
    assert.equal(await tipTransfers(tripId), 1);
    const stale = await ctx.kashier.pay(first.body.data.paymentUrl);
    assert.equal(stale.webhookStatus, 200, 'an old order replaced by the retry is still known');
    assert.equal(await applied(t, stale.transactionId!), 'card_tip_already_closed');
    assert.equal(await tipTransfers(tripId), 1);
    const [tipTx] = await sql(t, `SELECT amount FROM $schema.ledger_transfers WHERE id = $1`, [`trip:${tripId}:tip`]);
    assert.equal(Number(tipTx.amount), 800);
    assert.ok((await wallet(t, driver)).balance >= 800);
  });

  async function tipDeadlines(): Promise<number> {
    const [{ n }] = await sql(t, `SELECT count(*)::int AS n FROM "${t.schema}_jobs"._private_jobs WHERE key LIKE $1`, [
      'payments.card_tip_expiry:%',
    ]);
    return n;
  }

  test('20 concurrent card tip requests on one trip make one tip and one Kashier order', async () => {
    const { rider, tripId } = await cardTrip();
    const deadlinesBefore = await tipDeadlines();
    const results = await Promise.all(Array.from({ length: 20 }, () => tip(rider, tripId, 700)));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 19, JSON.stringify(statuses));
    const [{ n }] = await sql(t, 'SELECT count(*)::int AS n FROM $schema.trip_tips WHERE trip_id = $1', [tripId]);
    assert.equal(n, 1);
    const winner = results.find((r) => r.status === 201)!;
    assert.equal((await tipRow(tripId))?.order_id, orderOf(winner.body.data.paymentUrl));
    assert.equal((await tipDeadlines()) - deadlinesBefore, 1, 'one order, one 30-minute deadline');
  });
});
