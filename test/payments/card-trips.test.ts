import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cardPaymentExpiryKey, cardPaymentExpiryTask, riderDuesOf } from '../../src/modules/payments/index.js';
import { randomPhone, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { KASHIER_TEST_ENV } from './fake-kashier.js';
import { applied, sql, startPaymentsApp, wallet, type PaymentsTest } from './support.js';
import { cardPaymentStatus, completedCardTrip, netOf, until } from './card-support.js';

/** Economy at 15 %: 50.00 EGP → driver 42.50, platform 7.50. */
const FARE = 5_000;
const COMMISSION = 750;

async function cardFareTransfers(ctx: PaymentsTest, tripId: string): Promise<number> {
  const [{ n }] = await sql(
    ctx.t,
    `SELECT count(*)::int AS n FROM $schema.ledger_transfers WHERE kind = 'card_fare' AND reference = $1`,
    [`trip:${tripId}`],
  );
  return n;
}

describe('card trips (issue 15 point 7)', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('pay_card');
  });
  after(async () => ctx.close());

  async function riderAndDriver(): Promise<[TestUser, TestUser]> {
    return [await ctx.t.signup('rider'), await ctx.t.driver()];
  }

  test('a card trip shows a pending Kashier payment at completion and is paid once the rider pays', async () => {
    const { t, kashier } = ctx;
    const [rider, driver] = await riderAndDriver();
    const revenueBefore = await netOf(t, 'platform_revenue');
    const { tripId, payment } = await completedCardTrip(t, rider, driver, FARE);
    assert.equal(payment.status, 'pending');
    assert.match(payment.paymentUrl!, /orderId=/);
    assert.equal((await wallet(t, driver)).balance, 0, 'nothing moves before Kashier says so');
    const admin = (await t.admin()).accessToken;
    const waiting = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin });
    assert.equal(
      waiting.body.data.ok,
      true,
      `a fare awaiting the rider's card is not an alarm: ${JSON.stringify(waiting.body.data.checks)}`,
    );
    const paid = await kashier.pay(payment.paymentUrl!);
    assert.equal(paid.webhookStatus, 200);
    assert.equal(await applied(t, paid.transactionId!), 'card_paid');
    const view = await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken });
    assert.deepEqual(view.body.data.payment, { status: 'paid', paymentUrl: null });
    assert.equal((await wallet(t, driver)).balance, FARE - COMMISSION);
    assert.equal((await netOf(t, 'platform_revenue')) - revenueBefore, COMMISSION);
    const [settlement] = await sql(t, 'SELECT method, outcome, fare FROM $schema.trip_settlements WHERE trip_id = $1', [
      tripId,
    ]);
    assert.deepEqual(settlement, { method: 'card', outcome: 'paid', fare: 5000 });
    const recon = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin });
    assert.equal(recon.body.data.ok, true, JSON.stringify(recon.body.data.checks));
  });

  test('a replayed webhook or a second payment of the same order pays the driver once', async () => {
    const { t, kashier } = ctx;
    const [rider, driver] = await riderAndDriver();
    const { tripId, payment } = await completedCardTrip(t, rider, driver, FARE);
    const orderId = new URL(payment.paymentUrl!).searchParams.get('orderId')!;
    const data = kashier.paymentData({ merchantOrderId: orderId, amount: '50.00', currency: 'EGP', status: 'SUCCESS' });
    const deliveries = await Promise.all(Array.from({ length: 5 }, () => kashier.deliver(data)));
    assert.ok(deliveries.every((d) => d.status === 200));
    assert.equal(deliveries.filter((d) => d.body.data.duplicate === false).length, 1);
    assert.equal(await applied(t, data.transactionId), 'card_paid');
    const second = await kashier.pay(payment.paymentUrl!);
    assert.equal(await applied(t, second.transactionId!), 'card_already_closed');
    assert.equal(await cardFareTransfers(ctx, tripId), 1);
    assert.equal((await wallet(t, driver)).balance, FARE - COMMISSION);
  });

  test('a webhook for an unknown order or a different amount is refused with 4xx and writes nothing', async () => {
    const { t, kashier } = ctx;
    const [rider, driver] = await riderAndDriver();
    const { tripId, payment } = await completedCardTrip(t, rider, driver, FARE);
    const orderId = new URL(payment.paymentUrl!).searchParams.get('orderId')!;
    const events = await t.count('provider_events');
    const alerts = await t.count('finance_alerts');
    const unknown = kashier.paymentData({
      merchantOrderId: '00000000-0000-4000-8000-000000000000',
      amount: '50.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    const a = await kashier.deliver(unknown);
    assert.equal(a.status, 404);
    assert.equal(a.body.error.code, 'NOT_FOUND');
    const cheaper = kashier.paymentData({
      merchantOrderId: orderId,
      amount: '5.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    const b = await kashier.deliver(cheaper);
    assert.equal(b.status, 409);
    assert.equal(b.body.error.code, 'CONFLICT');
    assert.equal(await t.count('provider_events'), events);
    assert.equal(await t.count('finance_alerts'), alerts);
    assert.equal(await cardPaymentStatus(t, tripId), 'pending');
  });

  test('unpaid 30 minutes after completion the payment fails and the fare becomes the rider dues', async () => {
    const { t, kashier } = ctx;
    const [rider, driver] = await riderAndDriver();
    const { tripId, payment } = await completedCardTrip(t, rider, driver, FARE);
    const [row] = await sql(t, 'SELECT id FROM $schema.card_payments WHERE trip_id = $1', [tripId]);
    const [job] = await sql(t, `SELECT run_at FROM "${t.schema}_jobs"._private_jobs WHERE key = $1`, [
      cardPaymentExpiryKey(row.id),
    ]);
    const minutesAhead = (new Date(job.run_at).getTime() - Date.now()) / 60_000;
    assert.ok(minutesAhead > 29 && minutesAhead <= 30, `deadline booked ${minutesAhead} min ahead`);
    // The clock jumps 30 minutes: the same job key is re-booked for now.
    const db = t.platform.database.db;
    await t.platform.jobs.enqueue(
      db,
      cardPaymentExpiryTask,
      { paymentId: row.id },
      { jobKey: cardPaymentExpiryKey(row.id), runAt: new Date() },
    );
    await until(
      'expiry',
      () => cardPaymentStatus(t, tripId),
      (s) => s === 'failed',
    );
    const view = await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken });
    assert.deepEqual(view.body.data.payment, { status: 'failed', paymentUrl: null });
    assert.equal(await riderDuesOf(db, rider.id), FARE);
    assert.equal((await wallet(t, driver)).balance, FARE - COMMISSION, 'the driver is paid from the rider dues');
    const late = await kashier.pay(payment.paymentUrl!);
    assert.equal(await applied(t, late.transactionId!), 'card_already_closed', 'a late payment pays nothing twice');
    assert.equal((await wallet(t, driver)).balance, FARE - COMMISSION);
    const refund = await t.api('POST', `/api/v1/admin/trips/${tripId}/refunds`, {
      token: (await t.admin()).accessToken,
      body: { amount: 100, reason: 'unpaid card trip' },
    });
    assert.equal(refund.status, 409, 'an unpaid card trip has nothing to refund');
  });
});

describe('card trip webhook survives SIGKILL of the node that accepted it', () => {
  let ctx: PaymentsTest;
  before(async () => {
    // No job runner yet: the webhook is accepted by another node, killed before anything settles it.
    ctx = await startPaymentsApp('pay_card_kill', {}, { startJobs: false });
  });
  after(async () => ctx.close());

  test('SIGKILL between accepting a card webhook and settling it, then restart: the trip is paid once', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const { tripId, payment } = await completedCardTrip(t, rider, driver, FARE);
    const env = {
      NODE_ENV: 'test',
      DB_SCHEMA: t.schema,
      LOG_LEVEL: 'silent',
      ADMIN_PHONE: randomPhone(),
      ADMIN_PASSWORD: 'admin-password-123',
      RATE_LIMITS_DISABLED: 'true',
      ...LEDGER_TEST_ENV,
      ...KASHIER_TEST_ENV,
      KASHIER_CHECKOUT_URL: kashier.url,
      KASHIER_API_URL: kashier.url,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/payments/support/webhook-node.ts'], {
      env: { ...process.env, NODE_ENV_JSON: JSON.stringify(env) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    let port = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      port = Number(/^listening (\d+)$/.exec(line)?.[1] ?? 0);
      if (port) break;
    }
    const appUrl = kashier.webhookUrl;
    kashier.webhookUrl = `http://127.0.0.1:${port}/api/v1/webhooks/kashier`;
    const paid = await kashier.pay(payment.paymentUrl!);
    assert.equal(paid.webhookStatus, 200, 'the killed node accepted the webhook');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.equal(await cardPaymentStatus(t, tripId), 'pending', 'killed before settling');
    const [inbox] = await sql(t, 'SELECT outcome FROM $schema.provider_events WHERE provider_transaction_id = $1', [
      paid.transactionId,
    ]);
    assert.deepEqual(inbox, { outcome: null }, 'the proof of payment was stored before the 200');

    // Restart: a worker comes up and Kashier retries the webhook on the surviving node.
    kashier.webhookUrl = appUrl;
    await t.platform.jobs.start();
    assert.equal(await applied(t, paid.transactionId!), 'card_paid');
    const data = await sql(t, 'SELECT payload FROM $schema.provider_events WHERE provider_transaction_id = $1', [
      paid.transactionId,
    ]);
    const replay = await kashier.deliver({ ...data[0].payload.data, signatureKeys: data[0].payload.signatureKeys });
    assert.equal(replay.status, 200);
    assert.equal(replay.body.data.duplicate, true);
    assert.equal(await cardFareTransfers(ctx, tripId), 1);
    assert.equal((await wallet(t, driver)).balance, FARE - COMMISSION, 'paid once');
  });
});
