import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { auditLedger } from '../../src/modules/ledger/index.js';
import type { TestUser } from '../../support/harness.js';
import { sql, wallet, type PaymentsTest } from './support.js';
import { approvedPayout, payoutTransfers, startPayoutsApp } from './payouts-support.js';

/** An admin's decision on a pending payout: paid or failed, raced, replayed, refused. */
describe('payouts: paid and failed decisions', () => {
  let ctx: PaymentsTest;
  let admin: TestUser;
  before(async () => {
    ctx = await startPayoutsApp('pay_payout_decisions');
    admin = await ctx.t.admin();
  });
  after(async () => ctx.close());

  test('paid: the money leaves withdrawals_pending once; a retry answers the same, another reference is 409', async () => {
    const { t } = ctx;
    const { payoutId } = await approvedPayout(ctx, admin, 7_000);
    const path = `/api/v1/admin/payouts/${payoutId}/paid`;
    const first = await t.api('POST', path, { token: admin.accessToken, body: { reference: 'BANK-778899' } });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.data.status, 'paid');
    assert.equal(first.body.data.bankReference, 'BANK-778899');
    const retry = await t.api('POST', path, { token: admin.accessToken, body: { reference: 'BANK-778899' } });
    assert.equal(retry.status, 200);
    const other = await t.api('POST', path, { token: admin.accessToken, body: { reference: 'BANK-000000' } });
    assert.equal(other.status, 409);
    const failed = await t.api('POST', `/api/v1/admin/payouts/${payoutId}/failed`, {
      token: admin.accessToken,
      body: { reason: 'account closed' },
    });
    assert.equal(failed.status, 409);
    assert.deepEqual(await payoutTransfers(ctx, payoutId), [{ kind: 'payout', amount: 7_000 }]);
  });

  test('failed: the money returns to the driver wallet through the ledger, and the driver sees it', async () => {
    const { t } = ctx;
    const { driver, payoutId } = await approvedPayout(ctx, admin, 9_000);
    assert.equal((await wallet(t, driver)).balance, 0);
    const res = await t.api('POST', `/api/v1/admin/payouts/${payoutId}/failed`, {
      token: admin.accessToken,
      body: { reason: 'IBAN rejected by the bank' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.failureReason, 'IBAN rejected by the bank');
    assert.deepEqual(await wallet(t, driver), {
      balance: 9_000,
      pending: 0,
      available: 9_000,
      creditLimit: 5_000,
      dues: 0,
      currency: 'EGP',
    });
    const txs = await t.api('GET', '/api/v1/wallet/transactions', { token: driver.accessToken });
    assert.deepEqual(
      { amount: txs.body.data[0].amount, kind: txs.body.data[0].kind },
      { amount: 9_000, kind: 'payout_returned' },
    );
    const audit = await sql(t, `SELECT action FROM $schema.audit_log WHERE target_type = 'payout' AND target_id = $1`, [
      payoutId,
    ]);
    assert.deepEqual(audit, [{ action: 'payout.failed' }]);
  });

  test('20 concurrent paid/failed calls on one payout: one decision, one transfer', async () => {
    const { t } = ctx;
    const { driver, payoutId } = await approvedPayout(ctx, admin, 4_000);
    const calls = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? t.api('POST', `/api/v1/admin/payouts/${payoutId}/paid`, {
            token: admin.accessToken,
            body: { reference: 'BANK-RACE' },
          })
        : t.api('POST', `/api/v1/admin/payouts/${payoutId}/failed`, {
            token: admin.accessToken,
            body: { reason: 'race' },
          }),
    );
    const results = await Promise.all(calls);
    const statuses = results.map((r) => r.status);
    assert.ok(
      statuses.every((s) => s === 200 || s === 409),
      statuses.join(','),
    );
    const [row] = await sql(t, 'SELECT status FROM $schema.payouts WHERE id = $1', [payoutId]);
    // Every call asking for the winning decision answers 200 (a retry); every other is 409.
    assert.equal(statuses.filter((s) => s === 200).length, 10);
    const transfers = await payoutTransfers(ctx, payoutId);
    assert.equal(transfers.length, 1);
    assert.equal(transfers[0].kind, row.status === 'paid' ? 'payout' : 'payout_returned');
    assert.equal((await wallet(t, driver)).balance, row.status === 'paid' ? 0 : 4_000);
  });

  test('a replay with the same Idempotency-Key returns the first answer and moves nothing more', async () => {
    const { t } = ctx;
    const { payoutId } = await approvedPayout(ctx, admin, 2_500);
    const opts = {
      token: admin.accessToken,
      body: { reason: 'holder name mismatch' },
      headers: { 'idempotency-key': `payout-fail-${payoutId}` },
    };
    const first = await t.api('POST', `/api/v1/admin/payouts/${payoutId}/failed`, opts);
    const replay = await t.api('POST', `/api/v1/admin/payouts/${payoutId}/failed`, opts);
    assert.equal(first.status, 200);
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.body.data, first.body.data);
    assert.equal((await payoutTransfers(ctx, payoutId)).length, 1);
  });

  test('bad decisions are 4xx and write nothing: unknown payout, empty reference, not a uuid', async () => {
    const { t } = ctx;
    const { payoutId } = await approvedPayout(ctx, admin, 1_500);
    const cases: Array<[string, unknown, number]> = [
      ['/api/v1/admin/payouts/00000000-0000-4000-8000-000000000000/paid', { reference: 'X' }, 404],
      [`/api/v1/admin/payouts/${payoutId}/paid`, { reference: '' }, 400],
      [`/api/v1/admin/payouts/${payoutId}/paid`, {}, 400],
      [`/api/v1/admin/payouts/${payoutId}/failed`, { reason: 'x'.repeat(501) }, 400],
      ['/api/v1/admin/payouts/not-a-uuid/paid', { reference: 'X' }, 400],
    ];
    for (const [path, body, status] of cases) {
      const res = await t.api('POST', path, { token: admin.accessToken, body });
      assert.equal(res.status, status, `${path} ${JSON.stringify(body)} → ${res.status}`);
    }
    assert.equal((await payoutTransfers(ctx, payoutId)).length, 0);
    const [row] = await sql(t, 'SELECT status FROM $schema.payouts WHERE id = $1', [payoutId]);
    assert.equal(row.status, 'pending');
  });

  test('after all of the above the ledger still balances', async () => {
    const checks = await auditLedger(ctx.t.platform.database.db);
    assert.deepEqual(
      checks.filter((c) => !c.ok),
      [],
    );
  });
});
