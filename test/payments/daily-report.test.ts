import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { recordRiderDues } from '../../src/modules/payments/index.js';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { ensureWallet, systemAccounts, transfer, type TransferKind } from '../../src/modules/ledger/index.js';
import type { TestUser } from '../../support/harness.js';
import {
  completeTrip,
  setBankPayoutMethod,
  sql,
  startPaymentsApp,
  startedTrip,
  topUp,
  type PaymentsTest,
} from './support.js';

const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Africa/Cairo' });

describe('daily finance report and reconciliation', () => {
  let ctx: PaymentsTest;
  let admin: TestUser;
  let rider: TestUser;
  let driver: TestUser;
  let walletTrip: string;
  let cashTrip: string;
  before(async () => {
    ctx = await startPaymentsApp('pay_daily_report', { DRIVER_CREDIT_LIMIT: '100000' });
    admin = await ctx.t.admin();
  });
  after(async () => ctx.close());

  const report = (date: string, token = admin.accessToken) =>
    ctx.t.api('GET', `/api/v1/admin/reports/daily?date=${date}`, { token });
  const reconcile = async () => {
    const run = await ctx.t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    return new Map<string, { ok: boolean; details: any }>(run.body.data.checks.map((c: any) => [c.name, c]));
  };

  /** A movement of a kind another part of the money loop makes (tips, refunds, fees), straight through the ledger. */
  async function move(kind: TransferKind, from: number, to: number, amount: number, reference: string) {
    await withTransaction(ctx.t.platform.database.db, (tx) =>
      transfer(tx, {
        id: `test:${kind}:${reference.replaceAll(':', '.')}:${amount}`,
        type: 'posted',
        debitAccountId: from,
        creditAccountId: to,
        amount,
        kind,
        reference,
      }),
    );
  }

  async function walletIdOf(user: TestUser, kind: 'rider_wallet' | 'driver_wallet') {
    return (await withTransaction(ctx.t.platform.database.db, (tx) => ensureWallet(tx, { ownerId: user.id, kind }))).id;
  }

  /** The figure recomputed from the ledger's transfers of one kind, in today's Cairo day. */
  async function ledgerSum(kind: string, where = 'TRUE') {
    const [row] = await sql(
      ctx.t,
      `SELECT coalesce(sum(t.amount), 0)::bigint AS s FROM $schema.ledger_transfers t
         JOIN $schema.ledger_accounts d ON d.id = t.debit_account_id
         JOIN $schema.ledger_accounts c ON c.id = t.credit_account_id
        WHERE t.kind = $1 AND t.phase IN ('posted', 'post_pending') AND ${where}
          AND t.created_at >= ($2::date::timestamp AT TIME ZONE 'Africa/Cairo')
          AND t.created_at < (($2::date + 1)::timestamp AT TIME ZONE 'Africa/Cairo')`,
      [kind, today()],
    );
    return Number(row.s);
  }

  test('a day of trips, deposits, tips, refunds, fees and payouts: each figure equals the ledger by kind', async () => {
    const { t } = ctx;
    rider = await t.signup('rider');
    driver = await t.driver();
    await topUp(ctx, rider, 20_000);
    walletTrip = await startedTrip(t, rider, driver, { paymentMethod: 'wallet', fare: 6_000 });
    assert.equal((await completeTrip(t, driver, walletTrip)).status, 200);
    cashTrip = await startedTrip(t, rider, driver, { paymentMethod: 'cash', fare: 4_000 });
    assert.equal((await completeTrip(t, driver, cashTrip)).status, 200);
    const riderWallet = await walletIdOf(rider, 'rider_wallet');
    const driverWallet = await walletIdOf(driver, 'driver_wallet');
    await move('tip', riderWallet, driverWallet, 1_000, `trip:${walletTrip}`);
    await move('refund', driverWallet, riderWallet, 1_500, `trip:${walletTrip}`);
    await move('cancellation_fee', riderWallet, driverWallet, 500, 'trip:00000000-0000-4000-8000-000000000001');
    await setBankPayoutMethod(t, driver);
    const payoutIds: string[] = [];
    for (const amount of [2_000, 700]) {
      const w = await t.api('POST', '/api/v1/wallet/withdrawals', { token: driver.accessToken, body: { amount } });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      const path = `/api/v1/admin/withdrawals/${w.body.data.id}/approve`;
      assert.equal((await t.api('POST', path, { token: admin.accessToken })).status, 200);
      const [p] = await sql(t, 'SELECT id FROM $schema.payouts WHERE withdrawal_id = $1', [w.body.data.id]);
      payoutIds.push(p.id);
    }
    const base = `/api/v1/admin/payouts/${payoutIds[0]}`;
    await t.api('POST', `${base}/paid`, { token: admin.accessToken, body: { reference: 'B-1' } });
    await t.api('POST', `/api/v1/admin/payouts/${payoutIds[1]}/failed`, {
      token: admin.accessToken,
      body: { reason: 'closed account' },
    });

    const res = await report(today());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body.data;
    const fromLedger = {
      wallet: await ledgerSum('trip_fare', "d.kind = 'rider_wallet'"),
      commission: await ledgerSum('commission'),
      tips: await ledgerSum('tip'),
      refunds: await ledgerSum('refund'),
      fees: await ledgerSum('cancellation_fee'),
      deposits: await ledgerSum('deposit'),
      withdrawalsApproved: await ledgerSum('withdrawal'),
      paid: await ledgerSum('payout'),
      returned: await ledgerSum('payout_returned'),
    };
    assert.deepEqual(
      {
        wallet: r.fares.wallet,
        commission: r.commission,
        tips: r.tips,
        refunds: r.refunds,
        fees: r.fees,
        deposits: r.deposits,
        withdrawalsApproved: r.withdrawalsApproved,
        paid: r.payouts.paid,
        returned: r.payouts.returned,
      },
      fromLedger,
    );
    // And what those are on this fresh schema: 15 % economy commission on 60.00 and 40.00 EGP.
    assert.deepEqual(fromLedger, {
      wallet: 6_000,
      commission: 900 + 600,
      tips: 1_000,
      refunds: 1_500,
      fees: 500,
      deposits: 20_000,
      withdrawalsApproved: 2_700,
      paid: 2_000,
      returned: 700,
    });
    assert.deepEqual(r.fares, { wallet: 6_000, card: 0, cash: 4_000 });
    assert.equal(r.duesOutstanding, 0);
    assert.equal(r.currency, 'EGP');
  });

  test('a day with nothing reports zeros; a bad date is 400; only admins may read it', async () => {
    const empty = await report('2001-01-01');
    assert.equal(empty.status, 200);
    const d = empty.body.data;
    assert.deepEqual(
      [d.fares, d.commission, d.tips, d.refunds, d.fees, d.deposits, d.payouts, d.duesOutstanding],
      [{ wallet: 0, card: 0, cash: 0 }, 0, 0, 0, 0, 0, { paid: 0, returned: 0 }, 0],
    );
    for (const bad of ['2026-02-30', 'yesterday', '']) assert.equal((await report(bad)).status, 400, bad);
    assert.equal((await report(today(), rider.accessToken)).status, 403);
  });

  test('reconciliation over that day: every completed trip settled once, refunds within paid, payouts match', async () => {
    const checks = await reconcile();
    for (const name of [
      'trips_settled_once',
      'refunds_within_paid',
      'payouts_match_withdrawals',
      'dues_match_accounts',
    ])
      assert.equal(checks.get(name)?.ok, true, `${name}: ${JSON.stringify(checks.get(name))}`);
    assert.deepEqual(
      [checks.get('trips_settled_once')!.details.finishedTrips, checks.get('trips_settled_once')!.details.ledgerFares],
      [2, 6_000],
    );
    assert.equal(checks.get('payouts_match_withdrawals')!.details.payouts, 2);
  });

  test('a fare moved twice for one trip fails trips_settled_once', async () => {
    const riderWallet = await walletIdOf(rider, 'rider_wallet');
    const driverWallet = await walletIdOf(driver, 'driver_wallet');
    await move('trip_fare', riderWallet, driverWallet, 100, `trip:${walletTrip}`);
    const check = (await reconcile()).get('trips_settled_once')!;
    assert.equal(check.ok, false);
    assert.equal(check.details.tripsWithRepeatedFare, 1);
  });

  test('refunds beyond what a trip paid fail refunds_within_paid and name the trip', async () => {
    const riderWallet = await walletIdOf(rider, 'rider_wallet');
    const { platform_revenue } = await systemAccounts(ctx.t.platform.database.db);
    await move('refund', platform_revenue, riderWallet, 4_001, `trip:${cashTrip}`);
    const check = (await reconcile()).get('refunds_within_paid')!;
    assert.equal(check.ok, false);
    assert.deepEqual(check.details.trips, [cashTrip]);
  });

  test('a payout that differs from its withdrawal fails payouts_match_withdrawals', async () => {
    await sql(ctx.t, 'UPDATE $schema.payouts SET amount = amount + 1 WHERE status = $1', ['paid']);
    const check = (await reconcile()).get('payouts_match_withdrawals')!;
    assert.equal(check.ok, false);
    assert.equal(check.details.unlikeTheirWithdrawal, 1);
  });

  test('dues: the report shows what riders owe, and counters that drift from their transfers fail the check', async () => {
    const { t } = ctx;
    const rider = await t.signup('rider');
    const before = (await report(today())).body.data.duesOutstanding as number;
    await t.platform.database.db
      .transaction()
      .execute((tx) =>
        recordRiderDues(tx, { riderId: rider.id, amount: 700, reference: 'trip:00000000-0000-4000-8000-000000000002' }),
      );
    assert.equal((await report(today())).body.data.duesOutstanding, before + 700);
    assert.equal((await reconcile()).get('dues_match_accounts')!.ok, true);
    const [dues] = await sql(t, "SELECT id FROM $schema.ledger_accounts WHERE kind = 'rider_dues' AND owner_id = $1", [
      rider.id,
    ]);
    await sql(t, 'UPDATE $schema.ledger_accounts SET debits_posted = debits_posted + 1 WHERE id = $1', [dues.id]);
    const check = (await reconcile()).get('dues_match_accounts')!;
    assert.equal(check.ok, false);
    assert.equal(check.details.fromCounters - check.details.fromTransfers, 1, 'the drift is named');
  });
});
