import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestUser } from '../../support/harness.js';
import { EG_IBAN, setBankPayoutMethod, sql, wallet, type PaymentsTest } from './support.js';
import { approvedPayout, driverWith, IBAN_ELECTRONIC, startPayoutsApp, withdraw } from './payouts-support.js';

/** Payout methods, withdrawals becoming payouts, the admin list and the bank export; decisions: payouts-decisions. */
describe('payouts', () => {
  let ctx: PaymentsTest;
  let admin: TestUser;
  before(async () => {
    ctx = await startPayoutsApp('pay_payouts');
    admin = await ctx.t.admin();
  });
  after(async () => ctx.close());

  test('a driver sets a bank account: stored in full, shown masked in GET payout-method and GET /wallet', async () => {
    const { t } = ctx;
    const driver = await driverWith(ctx, 0, { method: false });
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
    const driver = await driverWith(ctx, 0);
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
    const driver = await driverWith(ctx, 0, { method: false });
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
    const driver = await driverWith(ctx, 10_000, { method: false });
    const res = await withdraw(ctx, driver, 5_000);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.error.details.reason, 'payout_method_required');
    assert.equal((await wallet(t, driver)).pending, 0);
    assert.equal((await sql(t, 'SELECT 1 FROM $schema.withdrawals WHERE driver_id = $1', [driver.id])).length, 0);
  });

  test('a withdrawal from before payout methods cannot be approved until the driver sets one (409)', async () => {
    const { t } = ctx;
    const driver = await driverWith(ctx, 6_000);
    const w = await withdraw(ctx, driver, 6_000);
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
    const { driver, withdrawalId, payoutId } = await approvedPayout(ctx, admin, 12_345, 'Mona Said');
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
    for (let i = 0; i < 3; i++) await approvedPayout(ctx, admin, 1_000 + i);
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
    const { payoutId } = await approvedPayout(ctx, admin, 150_005, '=HYPERLINK("http://evil")');
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
});
