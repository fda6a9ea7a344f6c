import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { auditLedger, ensureWallet } from '../../src/modules/ledger/index.js';
import type { TestUser } from '../../support/harness.js';
import { fund } from '../ledger/support.js';
import { EG_IBAN, setBankPayoutMethod, sql, startPaymentsApp, wallet, type PaymentsTest } from './support.js';

const IBAN_ELECTRONIC = EG_IBAN.replaceAll(' ', '');

describe('payouts', () => {
  let ctx: PaymentsTest;
  let admin: TestUser;
  before(async () => {
    ctx = await startPaymentsApp('pay_payouts', { DRIVER_CREDIT_LIMIT: '5000' });
    admin = await ctx.t.admin();
  });
  after(async () => ctx.close());

  async function driverWith(amount: number, opts: { method?: boolean; holder?: string } = {}): Promise<TestUser> {
    const driver = await ctx.t.driver();
    const db = ctx.t.platform.database.db;
    const account = await withTransaction(db, (tx) =>
      ensureWallet(tx, { ownerId: driver.id, kind: 'driver_wallet', creditLimit: 5_000 }),
    );
    if (amount > 0) await fund(db, account.id, amount);
    if (opts.method !== false) await setBankPayoutMethod(ctx.t, driver, opts.holder);
    return driver;
  }

  const withdraw = (driver: TestUser, amount: number) =>
    ctx.t.api('POST', '/api/v1/wallet/withdrawals', { token: driver.accessToken, body: { amount } });

  /** A driver whose approved withdrawal of `amount` is now a pending payout. */
  async function approvedPayout(amount: number, holder?: string) {
    const driver = await driverWith(amount, { holder });
    const w = await withdraw(driver, amount);
    assert.equal(w.status, 201, JSON.stringify(w.body));
    const ok = await ctx.t.api('POST', `/api/v1/admin/withdrawals/${w.body.data.id}/approve`, {
      token: admin.accessToken,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const [row] = await sql(ctx.t, 'SELECT id FROM $schema.payouts WHERE withdrawal_id = $1', [w.body.data.id]);
    return { driver, withdrawalId: w.body.data.id as string, payoutId: row.id as string };
  }

  const payoutTransfers = (payoutId: string) =>
    sql(ctx.t, `SELECT kind, amount::int FROM $schema.ledger_transfers WHERE reference = $1 ORDER BY seq`, [
      `payout:${payoutId}`,
    ]);

  test('a driver sets a bank account: stored in full, shown masked in GET payout-method and GET /wallet', async () => {
    const { t } = ctx;
    const driver = await driverWith(0, { method: false });
    const none = await t.api('GET', '/api/v1/wallet/payout-method', { token: driver.accessToken });
    assert.equal(none.status, 404);
    assert.equal((await t.api('GET', '/api/v1/wallet', { token: driver.accessToken })).body.data.payoutMethod, null);
    const view = await setBankPayoutMethod(t, driver, 'Omar Hassan');
    assert.equal(view.type, 'bank');
    assert.equal(view.iban, `EG38${'*'.repeat(IBAN_ELECTRONIC.length - 8)}0002`);
    assert.equal(view.holderName, 'Omar Hassan');
    const got = await t.api('GET', '/api/v1/wallet/payout-method', { token: driver.accessToken });
    assert.deepEqual(got.body.data, view);
    const w = await t.api('GET', '/api/v1/wallet', { token: driver.accessToken });
    assert.deepEqual(w.body.data.payoutMethod, view);
    assert.equal(w.body.data.balance, 0);
    const [stored] = await sql(t, 'SELECT iban FROM $schema.payout_methods WHERE user_id = $1', [driver.id]);
    assert.equal(stored.iban, IBAN_ELECTRONIC);
  });

  test('a mobile wallet replaces the bank account; its number is normalised and masked', async () => {
    const { t } = ctx;
    const driver = await driverWith(0);
    const res = await t.api('PUT', '/api/v1/wallet/payout-method', {
      token: driver.accessToken,
      body: { type: 'mobile_wallet', phone: '0100 123 4567' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      { type: res.body.data.type, phone: res.body.data.phone, iban: res.body.data.iban },
      { type: 'mobile_wallet', phone: '+2010****4567', iban: null },
    );
    const [stored] = await sql(t, 'SELECT type, phone, iban FROM $schema.payout_methods WHERE user_id = $1', [
      driver.id,
    ]);
    assert.deepEqual(stored, { type: 'mobile_wallet', phone: '+201001234567', iban: null });
  });

  test('a bad IBAN, a foreign phone or a malformed body is 400 and stores nothing', async () => {
    const { t } = ctx;
    const driver = await driverWith(0, { method: false });
    const bodies = [
      { type: 'bank', iban: 'EG39 0019 0005 0000 0000 2631 8000 2', holderName: 'Omar' },
      { type: 'bank', iban: 'EG38 0019 0005', holderName: 'Omar' },
      { type: 'bank', iban: EG_IBAN, holderName: '' },
      { type: 'bank', iban: EG_IBAN, holderName: 'Omar\u202Eevil' },
      { type: 'bank', iban: EG_IBAN },
      { type: 'mobile_wallet', phone: '+14155550123' },
      { type: 'mobile_wallet', phone: '+201001234567', iban: EG_IBAN },
      { type: 'paypal', email: 'x@example.com' },
    ];
    for (const body of bodies) {
      const res = await t.api('PUT', '/api/v1/wallet/payout-method', { token: driver.accessToken, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status}`);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    assert.equal((await sql(t, 'SELECT 1 FROM $schema.payout_methods WHERE user_id = $1', [driver.id])).length, 0);
  });

  test('a withdrawal without a payout method is 409 payout_method_required and holds nothing', async () => {
    const { t } = ctx;
    const driver = await driverWith(10_000, { method: false });
    const res = await withdraw(driver, 5_000);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.error.details.reason, 'payout_method_required');
    assert.equal((await wallet(t, driver)).pending, 0);
    assert.equal((await sql(t, 'SELECT 1 FROM $schema.withdrawals WHERE driver_id = $1', [driver.id])).length, 0);
  });

  test('a withdrawal from before payout methods cannot be approved until the driver sets one (409)', async () => {
    const { t } = ctx;
    const driver = await driverWith(6_000);
    const w = await withdraw(driver, 6_000);
    assert.equal(w.status, 201, JSON.stringify(w.body));
    // A request made before migration 0020 has no method behind it.
    await sql(t, 'DELETE FROM $schema.payout_methods WHERE user_id = $1', [driver.id]);
    const path = `/api/v1/admin/withdrawals/${w.body.data.id}/approve`;
    const refused = await t.api('POST', path, { token: admin.accessToken });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.details.reason, 'payout_method_required');
    assert.equal((await wallet(t, driver)).pending, 6_000, 'the hold stays as it was');
    await setBankPayoutMethod(t, driver);
    assert.equal((await t.api('POST', path, { token: admin.accessToken })).status, 200);
    assert.equal((await sql(t, 'SELECT 1 FROM $schema.payouts WHERE withdrawal_id = $1', [w.body.data.id])).length, 1);
  });

  test('approving creates one payout that keeps the method of that moment; admins list it by status and day', async () => {
    const { t } = ctx;
    const { driver, withdrawalId, payoutId } = await approvedPayout(12_345, 'Mona Said');
    // Approving again (a retry) neither fails nor makes a second payout.
    const again = await t.api('POST', `/api/v1/admin/withdrawals/${withdrawalId}/approve`, {
      token: admin.accessToken,
    });
    assert.equal(again.status, 200);
    assert.equal((await sql(t, 'SELECT 1 FROM $schema.payouts WHERE withdrawal_id = $1', [withdrawalId])).length, 1);
    await t.api('PUT', '/api/v1/wallet/payout-method', {
      token: driver.accessToken,
      body: { type: 'mobile_wallet', phone: '+201001234567' },
    });
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Africa/Cairo' });
    const list = await t.api('GET', `/api/v1/admin/payouts?status=pending&date=${today}&limit=100`, {
      token: admin.accessToken,
    });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const mine = list.body.data.find((p: { id: string }) => p.id === payoutId);
    assert.ok(mine, 'the new payout is in the pending list of today');
    assert.equal(mine.amount, 12_345);
    assert.equal(mine.withdrawalId, withdrawalId);
    assert.deepEqual(mine.method, {
      type: 'bank',
      iban: `EG38${'*'.repeat(IBAN_ELECTRONIC.length - 8)}0002`,
      holderName: 'Mona Said',
      phone: null,
    });
    const paid = await t.api('GET', `/api/v1/admin/payouts?status=paid&date=${today}`, { token: admin.accessToken });
    assert.ok(!paid.body.data.some((p: { id: string }) => p.id === payoutId));
    const otherDay = await t.api('GET', '/api/v1/admin/payouts?date=2001-01-01', { token: admin.accessToken });
    assert.deepEqual(otherDay.body.data, []);
    const bad = await t.api('GET', '/api/v1/admin/payouts?date=2026-02-30', { token: admin.accessToken });
    assert.equal(bad.status, 400);
    const asDriver = await t.api('GET', '/api/v1/admin/payouts', { token: driver.accessToken });
    assert.equal(asDriver.status, 403);
  });

  test('the payout list pages with a cursor, every payout once', async () => {
    const { t } = ctx;
    for (let i = 0; i < 3; i++) await approvedPayout(1_000 + i);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = cursor ? `&cursor=${cursor}` : '';
      const page = await t.api('GET', `/api/v1/admin/payouts?limit=2${qs}`, { token: admin.accessToken });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      seen.push(...page.body.data.map((p: { id: string }) => p.id));
      cursor = page.body.meta?.nextCursor ?? null;
    } while (cursor);
    const [{ n }] = await sql(t, 'SELECT count(*)::int AS n FROM $schema.payouts');
    assert.equal(seen.length, n);
    assert.equal(new Set(seen).size, n);
  });

  test('the day export is the bank batch: full IBAN, EGP with two decimals, a reference, formulas defused', async () => {
    const { t } = ctx;
    const { payoutId } = await approvedPayout(150_005, '=HYPERLINK("http://evil")');
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Africa/Cairo' });
    const res = await t.api('GET', `/api/v1/admin/payouts/export.csv?date=${today}`, { token: admin.accessToken });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    const lines = String(res.body).trim().split('\r\n');
    assert.equal(lines[0], 'id,holder,iban_or_phone,amount_egp,reference');
    const line = lines.find((l) => l.startsWith(payoutId));
    const reference = `SL${payoutId.replaceAll('-', '').toUpperCase()}`;
    assert.equal(line, `${payoutId},"'=HYPERLINK(""http://evil"")",${IBAN_ELECTRONIC},1500.05,${reference}`);
    const missing = await t.api('GET', '/api/v1/admin/payouts/export.csv', { token: admin.accessToken });
    assert.equal(missing.status, 400);
  });

  test('paid: the money leaves withdrawals_pending once; a retry answers the same, another reference is 409', async () => {
    const { t } = ctx;
    const { payoutId } = await approvedPayout(7_000);
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
    assert.deepEqual(await payoutTransfers(payoutId), [{ kind: 'payout', amount: 7_000 }]);
  });

  test('failed: the money returns to the driver wallet through the ledger, and the driver sees it', async () => {
    const { t } = ctx;
    const { driver, payoutId } = await approvedPayout(9_000);
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
    const { driver, payoutId } = await approvedPayout(4_000);
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
    const transfers = await payoutTransfers(payoutId);
    assert.equal(transfers.length, 1);
    assert.equal(transfers[0].kind, row.status === 'paid' ? 'payout' : 'payout_returned');
    assert.equal((await wallet(t, driver)).balance, row.status === 'paid' ? 0 : 4_000);
  });

  test('a replay with the same Idempotency-Key returns the first answer and moves nothing more', async () => {
    const { t } = ctx;
    const { payoutId } = await approvedPayout(2_500);
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
    assert.equal((await payoutTransfers(payoutId)).length, 1);
  });

  test('bad decisions are 4xx and write nothing: unknown payout, empty reference, not a uuid', async () => {
    const { t } = ctx;
    const { payoutId } = await approvedPayout(1_500);
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
    assert.equal((await payoutTransfers(payoutId)).length, 0);
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
