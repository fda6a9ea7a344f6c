import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { processKashierEvent } from '../../src/modules/payments/index.js';
import { KASHIER_TEST_ENV } from './fake-kashier.js';
import { applied, sql, startPaymentsApp, topUp, wallet, type PaymentsTest } from './support.js';

describe('deposits through Kashier', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('pay_deposits');
  });
  after(async () => ctx.close());

  test('a paid deposit is credited from the webhook and shows in the wallet and its transactions', async () => {
    const { t } = ctx;
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 10_050 },
    });
    assert.equal(created.status, 201);
    const { depositId, paymentUrl } = created.body.data;
    const url = new URL(paymentUrl);
    assert.equal(url.searchParams.get('amount'), '100.50');
    assert.equal(url.searchParams.get('orderId'), depositId);
    assert.deepEqual(
      await wallet(t, rider),
      { balance: 0, pending: 0, available: 0, creditLimit: 0, dues: 0, currency: 'EGP' },
      'nothing before the webhook',
    );

    const paid = await ctx.kashier.pay(paymentUrl);
    assert.equal(paid.status, 302, 'the fake Kashier page accepted our order hash');
    assert.equal(paid.webhookStatus, 200);
    assert.equal(await applied(t, paid.transactionId!), 'credited');
    assert.equal((await wallet(t, rider)).balance, 10_050);
    const txs = await t.api('GET', '/api/v1/wallet/transactions', { token: rider.accessToken });
    assert.deepEqual(
      txs.body.data.map((x: any) => [x.amount, x.kind, x.reference]),
      [[10_050, 'deposit', `deposit:${depositId}`]],
    );
    const deposit = await t.api('GET', `/api/v1/wallet/deposits/${depositId}`, { token: rider.accessToken });
    assert.equal(deposit.body.data.status, 'credited');
  });

  test('by default Kashier sends the payer back to our own return page, which exists and claims nothing', async () => {
    const { t } = ctx;
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', { token: rider.accessToken, body: { amount: 500 } });
    const back = new URL(new URL(created.body.data.paymentUrl).searchParams.get('merchantRedirect')!);
    assert.equal(back.origin, new URL(t.config.PUBLIC_BASE_URL).origin);
    const page = await t.api('GET', back.pathname);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /your wallet shows the deposit as soon as Kashier confirms it/);
  });

  test('bad amounts and currencies are 400 and write nothing', async () => {
    const { t } = ctx;
    const rider = await t.signup('rider');
    const before = await t.count('deposits');
    for (const body of [
      { amount: -100 },
      { amount: 0 },
      { amount: 10.5 },
      { amount: '100' },
      { amount: 1e12 },
      { amount: 100, currency: 'USD' },
      {},
    ]) {
      const res = await t.api('POST', '/api/v1/wallet/deposits', { token: rider.accessToken, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    assert.equal(await t.count('deposits'), before);
  });

  test('a missing, malformed or wrong signature is 401 and writes nothing', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 5_000 },
    });
    const data = kashier.paymentData({
      merchantOrderId: created.body.data.depositId,
      amount: '50.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    const eventsBefore = await t.count('provider_events');
    const attempts = [
      await kashier.deliver(data, { signature: null }),
      await kashier.deliver(data, { signature: 'not-hex' }),
      await kashier.deliver(data, { key: 'some-other-key-000000000000' }),
      await kashier.deliver({ ...data, amount: '5000.00' }, { signature: kashier.sign(data) }),
    ];
    assert.deepEqual(
      attempts.map((a) => a.status),
      [401, 401, 401, 401],
    );
    assert.equal(await t.count('provider_events'), eventsBefore);
    assert.equal((await wallet(t, rider)).balance, 0);
  });

  test('one payment replayed and raced 20 times is acknowledged every time and credited exactly once', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 7_500 },
    });
    const data = kashier.paymentData({
      merchantOrderId: created.body.data.depositId,
      amount: '75.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    const deliveries = await Promise.all(Array.from({ length: 20 }, () => kashier.deliver(data)));
    assert.deepEqual(new Set(deliveries.map((d) => d.status)), new Set([200]));
    assert.equal(deliveries.filter((d) => !d.body.data.duplicate).length, 1);
    assert.equal(await applied(t, data.transactionId), 'credited');
    const later = await kashier.deliver(data);
    assert.equal(later.body.data.duplicate, true);
    // The job itself run again (a retry after a crash, a re-queued dead letter) changes nothing either.
    assert.equal(
      await processKashierEvent(t.app.payments, { event: 'pay', transactionId: data.transactionId }),
      'credited',
    );
    assert.equal((await wallet(t, rider)).balance, 7_500);
    const [row] = await sql(t, `SELECT count(*)::int AS n FROM $schema.ledger_transfers WHERE reference = $1`, [
      `deposit:${created.body.data.depositId}`,
    ]);
    assert.equal(row.n, 1);
  });

  test('during a key rotation a webhook signed with the previous key is accepted', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 2_000 },
    });
    const data = kashier.paymentData({
      merchantOrderId: created.body.data.depositId,
      amount: '20.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    const res = await kashier.deliver(data, { key: KASHIER_TEST_ENV.KASHIER_API_KEY_PREVIOUS });
    assert.equal(res.status, 200);
    assert.equal(await applied(t, data.transactionId), 'credited');
    assert.equal((await wallet(t, rider)).balance, 2_000);
  });

  test('a failed payment credits nothing; a later successful one for the same order does', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 3_000 },
    });
    const failed = await kashier.pay(created.body.data.paymentUrl, 'FAILURE');
    assert.equal(failed.webhookStatus, 200);
    assert.equal(await applied(t, failed.transactionId!), 'not_successful');
    const status = await t.api('GET', `/api/v1/wallet/deposits/${created.body.data.depositId}`, {
      token: rider.accessToken,
    });
    assert.equal(status.body.data.status, 'failed');
    assert.equal((await wallet(t, rider)).balance, 0);
    const paid = await kashier.pay(created.body.data.paymentUrl, 'SUCCESS');
    assert.equal(await applied(t, paid.transactionId!), 'credited');
    assert.equal((await wallet(t, rider)).balance, 3_000);
  });

  test("another user's deposit is 404; a signed payment for an unknown order is refused with 404 and writes nothing", async () => {
    const { t, kashier } = ctx;
    const owner = await t.signup('rider');
    const other = await t.signup('rider');
    const { depositId } = await topUp(ctx, owner, 1_000);
    assert.equal(
      (await t.api('GET', `/api/v1/wallet/deposits/${depositId}`, { token: other.accessToken })).status,
      404,
    );
    const stray = kashier.paymentData({
      merchantOrderId: '00000000-0000-4000-8000-000000000000',
      amount: '10.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    // Issue 15 (bad input): an order we never opened is a clear 4xx, and nothing is stored.
    const res = await kashier.deliver(stray);
    assert.deepEqual([res.status, res.body.error.code], [404, 'NOT_FOUND']);
    const stored = await sql(t, 'SELECT 1 FROM $schema.provider_events WHERE provider_transaction_id = $1', [
      stray.transactionId,
    ]);
    assert.equal(stored.length, 0);
  });

  test('an amount the provider reports differently is not credited and raises an alert', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 4_000 },
    });
    const data = kashier.paymentData({
      merchantOrderId: created.body.data.depositId,
      amount: '4.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    assert.equal((await kashier.deliver(data)).status, 200);
    assert.equal(await applied(t, data.transactionId), 'amount_mismatch');
    assert.equal((await wallet(t, rider)).balance, 0);
    assert.equal(
      (await sql(t, `SELECT 1 FROM $schema.finance_alerts WHERE subject_id = $1`, [created.body.data.depositId]))
        .length,
      1,
    );
  });

  test(
    'fraud rules hold a big deposit for review (not spendable) until an admin approves it, with an audit ' + 'row',
    async () => {
      const { t } = ctx;
      const rider = await t.signup('rider');
      const { depositId, outcome } = await topUp(ctx, rider, 1_500_000);
      assert.equal(outcome, 'held');
      const held = await t.api('GET', `/api/v1/wallet/deposits/${depositId}`, { token: rider.accessToken });
      assert.deepEqual([held.body.data.status, held.body.data.reviewReason], ['held', 'single_amount_cap']);
      assert.deepEqual(await wallet(t, rider), {
        balance: 0,
        pending: 0,
        available: 0,
        creditLimit: 0,
        dues: 0,
        currency: 'EGP',
      });
      const admin = await t.admin();
      const approved = await t.api('POST', `/api/v1/admin/deposits/${depositId}/approve`, { token: admin.accessToken });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.data.status, 'credited');
      assert.equal((await wallet(t, rider)).available, 1_500_000);
      const audit = await sql(t, `SELECT actor_id, action FROM $schema.audit_log WHERE target_id = $1`, [depositId]);
      assert.deepEqual(audit, [{ actor_id: admin.id, action: 'deposit.approve' }]);
    },
  );

  test('fraud rules hold the deposit after five paid within an hour (velocity)', async () => {
    const { t } = ctx;
    const rider = await t.signup('rider');
    for (let i = 0; i < 5; i++) await topUp(ctx, rider, 1_000);
    const { depositId } = await topUp(ctx, rider, 1_000);
    const sixth = await t.api('GET', `/api/v1/wallet/deposits/${depositId}`, { token: rider.accessToken });
    assert.deepEqual([sixth.body.data.status, sixth.body.data.reviewReason], ['held', 'deposit_velocity']);
    assert.equal((await wallet(t, rider)).available, 5_000);

    // Transactions page by cursor, newest first, and add up to the balance (the held credit is not posted yet).
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await t.api('GET', `/api/v1/wallet/transactions?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: rider.accessToken,
      });
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data);
      cursor = page.body.meta.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen.map((x) => x.id)).size, 5);
    assert.equal(
      seen.reduce((sum, x) => sum + x.amount, 0),
      (await wallet(t, rider)).balance,
    );
    assert.equal(
      (await t.api('GET', '/api/v1/wallet/transactions?cursor=bogus', { token: rider.accessToken })).status,
      400,
    );
    assert.equal(
      (await t.api('GET', '/api/v1/wallet/transactions?limit=101', { token: rider.accessToken })).status,
      400,
    );
  });
});
