// npm test: own process (it reads the process-wide metrics registry)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { metricsRegistry } from '../../src/platform/observability/metrics.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { RECONCILE_CRON, reconcileTask } from '../../src/modules/payments/index.js';
import { applied, sql, startPaymentsApp, topUp, type PaymentsTest } from './support.js';

const CHECKS = [
  'debits_equal_credits',
  'balances_match_transfers',
  'wallets_within_limits',
  'no_stale_holds',
  'deposits_match_provider',
  'trips_settled_once',
  'service_requests_settled_once',
  'refunds_within_paid',
  'payouts_match_withdrawals',
  'dues_match_accounts',
];

async function gauge(): Promise<number | undefined> {
  const metric = await metricsRegistry.getSingleMetric('smartline_ledger_reconciliation_ok')?.get();
  return metric?.values[0]?.value;
}

describe('reconciliation', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('pay_recon');
  });
  after(async () => ctx.close());

  test('no report yet is 404; a run over real activity is ok and becomes the last report', async () => {
    const { t } = ctx;
    const admin = await t.admin();
    assert.equal((await t.api('GET', '/api/v1/admin/reconciliation', { token: admin.accessToken })).status, 404);
    const rider = await t.signup('rider');
    await topUp(ctx, rider, 12_345);
    await topUp(ctx, rider, 2_000_000 - 1);
    const run = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.data.ok, true, JSON.stringify(run.body.data.checks));
    assert.deepEqual(
      run.body.data.checks.map((c: any) => c.name),
      CHECKS,
    );
    const deposits = run.body.data.checks.find((c: any) => c.name === 'deposits_match_provider').details;
    assert.deepEqual(
      [deposits.creditedDeposits, deposits.heldDeposits, deposits.providerReported],
      [12_345, 2_000_000 - 1, 2_012_344],
    );
    assert.equal(await gauge(), 1);
    const last = await t.api('GET', '/api/v1/admin/reconciliation', { token: admin.accessToken });
    assert.deepEqual(last.body.data, run.body.data);
    assert.equal((await t.api('POST', '/api/v1/admin/reconciliation/run', { token: rider.accessToken })).status, 403);
  });

  test(
    'a balance that no longer matches its transfers fails the run, writes an alert and drops the ' + 'gauge',
    async () => {
      const { t } = ctx;
      const admin = await t.admin();
      const rider = await t.signup('rider');
      await topUp(ctx, rider, 5_000);
      // Corruption behind the ledger's back (a manual UPDATE): the counters claim 1 piastre more than the transfers.
      await sql(t, 'UPDATE $schema.ledger_accounts SET credits_posted = credits_posted + 1 WHERE owner_id = $1', [
        rider.id,
      ]);
      const run = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
      assert.equal(run.body.data.ok, false);
      const failed = run.body.data.checks.filter((c: any) => !c.ok).map((c: any) => c.name);
      assert.deepEqual(failed, ['debits_equal_credits', 'balances_match_transfers']);
      const mismatch = run.body.data.checks[1].details.mismatches[0];
      assert.equal(mismatch.credits_posted - mismatch.sum_credits_posted, 1);
      assert.equal(await gauge(), 0);
      const alerts = await sql(t, `SELECT message FROM $schema.finance_alerts WHERE kind = 'reconciliation_mismatch'`);
      assert.equal(alerts.length, 1);
      await sql(t, 'UPDATE $schema.ledger_accounts SET credits_posted = credits_posted - 1 WHERE owner_id = $1', [
        rider.id,
      ]);
      assert.equal(
        (await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken })).body.data.ok,
        true,
      );
      assert.equal(await gauge(), 1);
    },
  );

  test('a provider payment we did not credit fails deposits_match_provider', async () => {
    const { t, kashier } = ctx;
    const admin = await t.admin();
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 9_000 },
    });
    const data = kashier.paymentData({
      merchantOrderId: created.body.data.depositId,
      amount: '9.00',
      currency: 'EGP',
      status: 'SUCCESS',
    });
    await kashier.deliver(data);
    assert.equal(await applied(t, data.transactionId), 'amount_mismatch');
    const run = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    const check = run.body.data.checks.find((c: any) => c.name === 'deposits_match_provider');
    assert.equal(check.ok, false);
    assert.equal(check.details.providerPaymentsNotCredited, 1);
  });

  test('the daily run is in the crontab at 00:30 UTC, nothing booked by hand', async () => {
    const { t } = ctx;
    const entry = t.platform.jobs.crontab.entries().find((e) => e.task === 'payments.reconcile');
    assert.equal(entry?.match, '30 0 * * *');
    assert.equal(RECONCILE_CRON, '30 0 * * *');
    const rows = await t.platform.database.pool.query(
      `SELECT key FROM "${t.schema}_jobs".jobs WHERE task_identifier = 'payments.reconcile'`,
    );
    assert.equal(rows.rows.length, 0);
  });

  test('the daily job runs a reconciliation and books no successor (the crontab does)', async () => {
    const { t } = ctx;
    const reports = await t.count('reconciliation_reports');
    // What graphile-worker's cron enqueues: no day, its own _cron stamp (stripped by the task's schema).
    await t.platform.jobs.enqueue(t.platform.database.db, reconcileTask, {});
    const deadline = Date.now() + 15_000;
    while ((await t.count('reconciliation_reports')) === reports) {
      assert.ok(Date.now() < deadline, 'the daily job did not run');
      await sleep(100);
    }
    // The run's own row goes once its completion is committed; nothing takes its place.
    const pending = async () =>
      (
        await t.platform.database.pool.query(
          `SELECT count(*)::int AS n FROM "${t.schema}_jobs".jobs WHERE task_identifier = 'payments.reconcile'`,
        )
      ).rows[0].n;
    while ((await pending()) > 0) {
      assert.ok(Date.now() < deadline, 'the finished run stayed queued');
      await sleep(100);
    }
    await sleep(500);
    assert.equal(await pending(), 0, 'no successor booked');
  });
});
