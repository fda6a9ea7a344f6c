import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { walletSummary, systemAccounts } from '../../src/modules/ledger/index.js';
import type { TestUser } from '../../support/harness.js';
import { completeTrip, sql, startPaymentsApp, startedTrip, topUp, wallet, type PaymentsTest } from './support.js';

/** API.md: 50.00 EGP economy at 15 % → driver 42.50, platform 7.50. */
const FARE = 5_000;
const COMMISSION = 750;
const CREDIT_LIMIT = 1_000;

describe('trip settlement', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('pay_settle', { DRIVER_CREDIT_LIMIT: String(CREDIT_LIMIT) });
  });
  after(async () => ctx.close());

  async function platformRevenue() {
    const db = ctx.t.platform.database.db;
    const { platform_revenue } = await systemAccounts(db);
    const [row] = await sql(
      ctx.t,
      'SELECT credits_posted - debits_posted AS net FROM $schema.ledger_accounts WHERE id = $1',
      [platform_revenue],
    );
    return Number(row.net);
  }

  async function riderWith(amount: number): Promise<TestUser> {
    const rider = await ctx.t.signup('rider');
    if (amount > 0) await topUp(ctx, rider, amount);
    return rider;
  }

  test(
    'a wallet trip moves the fare rider → driver and 15 % commission driver → platform, with the status ' + 'change',
    async () => {
      const { t } = ctx;
      const rider = await riderWith(10_000);
      const driver = await t.driver();
      const tripId = await startedTrip(t, rider, driver, { paymentMethod: 'wallet', fare: FARE });
      const revenueBefore = await platformRevenue();
      const done = await completeTrip(t, driver, tripId);
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.data.status, 'completed');
      assert.equal((await wallet(t, rider)).balance, 5_000);
      assert.equal((await wallet(t, driver)).balance, 4_250);
      assert.equal((await platformRevenue()) - revenueBefore, COMMISSION);
      const riderTx = (await t.api('GET', '/api/v1/wallet/transactions', { token: rider.accessToken })).body.data;
      assert.deepEqual(
        [riderTx[0].amount, riderTx[0].kind, riderTx[0].reference],
        [-FARE, 'trip_fare', `trip:${tripId}`],
      );
      const driverTx = (await t.api('GET', '/api/v1/wallet/transactions', { token: driver.accessToken })).body.data;
      assert.deepEqual(
        driverTx.map((x: any) => [x.amount, x.kind]).sort(),
        [
          [-COMMISSION, 'commission'],
          [FARE, 'trip_fare'],
        ].sort(),
      );

      const again = await completeTrip(t, driver, tripId);
      assert.equal(again.status, 200, 'repeating completed answers the trip as it is');
      assert.equal((await wallet(t, driver)).balance, 4_250, 'and settles nothing twice');
    },
  );

  test('a cash trip debits the driver wallet for the commission', async () => {
    const { t } = ctx;
    const rider = await riderWith(0);
    const driver = await t.driver();
    const tripId = await startedTrip(t, rider, driver, { paymentMethod: 'cash', fare: FARE });
    const done = await completeTrip(t, driver, tripId);
    assert.equal(done.body.data.status, 'completed');
    assert.deepEqual(await wallet(t, driver), {
      balance: -COMMISSION,
      pending: 0,
      available: -COMMISSION,
      creditLimit: CREDIT_LIMIT,
      dues: 0,
      currency: 'EGP',
    });
    const [tx] = (await t.api('GET', '/api/v1/wallet/transactions', { token: driver.accessToken })).body.data;
    assert.deepEqual([tx.amount, tx.kind], [-COMMISSION, 'commission']);
  });

  test('a wallet trip requested without the balance is 402 INSUFFICIENT_FUNDS and creates nothing', async () => {
    const { t } = ctx;
    const rider = await riderWith(100);
    const before = await t.count('trips');
    const res = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: {
        pickup: { lat: 30.0444, lng: 31.2357 },
        dropoff: { lat: 30.0626, lng: 31.2497 },
        vehicleClass: 'economy',
        paymentMethod: 'wallet',
      },
    });
    assert.equal(res.status, 402);
    assert.equal(res.body.error.code, 'INSUFFICIENT_FUNDS');
    assert.equal(await t.count('trips'), before);
  });

  test(
    'a wallet that no longer covers the fare: 200 with the trip in payment_failed, cash collection, both ' + 'told',
    async () => {
      const { t } = ctx;
      const rider = await riderWith(FARE);
      const driver = await t.driver();
      const tripId = await startedTrip(t, rider, driver, { paymentMethod: 'wallet', fare: 6_000 });
      const done = await completeTrip(t, driver, tripId);
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.data.status, 'payment_failed');
      assert.equal((await wallet(t, rider)).balance, FARE, 'the rider wallet is untouched');
      assert.equal((await wallet(t, driver)).balance, -900, 'the driver owes the commission on the cash fare');
      const notes = await sql(
        t,
        // The ride's progress notices (accepted, arrived, started) are there too; these two are the settlement's.
        `SELECT user_id, template FROM $schema.notifications
          WHERE data->>'tripId' = $1 AND template LIKE 'trip.payment_failed%' ORDER BY template`,
        [tripId],
      );
      assert.deepEqual(notes, [
        { user_id: driver.id, template: 'trip.payment_failed_collect_cash' },
        { user_id: rider.id, template: 'trip.payment_failed_pay_cash' },
      ]);
      const [settlement] = await sql(
        t,
        'SELECT method, outcome, fare, commission, driver_share FROM $schema.trip_settlements WHERE trip_id = $1',
        [tripId],
      );
      assert.deepEqual(settlement, {
        method: 'wallet',
        outcome: 'payment_failed',
        fare: 6_000,
        commission: 900,
        driver_share: 5_100,
      });
    },
  );

  test(
    'cash commission past the credit limit stops the wallet at its floor; the rest is booked to cash clearing ' +
      'with an alert',
    async () => {
      const { t } = ctx;
      const rider = await riderWith(0);
      const driver = await t.driver();
      for (let i = 0; i < 2; i++) {
        const tripId = await startedTrip(t, rider, driver, { paymentMethod: 'cash', fare: FARE });
        assert.equal((await completeTrip(t, driver, tripId)).body.data.status, 'completed');
      }
      assert.equal((await wallet(t, driver)).balance, -CREDIT_LIMIT);
      const alerts = await sql(
        t,
        `SELECT details->>'overflow' AS overflow FROM $schema.finance_alerts WHERE kind = ` +
          `'driver_credit_limit_exceeded' AND subject_id = $1`,
        [driver.id],
      );
      assert.deepEqual(alerts, [{ overflow: String(2 * COMMISSION - CREDIT_LIMIT) }]);
    },
  );

  test('earnings per day/week for the driver and platform revenue per day for admins', async () => {
    const { t } = ctx;
    const rider = await riderWith(20_000);
    const driver = await t.driver();
    for (const method of ['wallet', 'cash'] as const) {
      const tripId = await startedTrip(t, rider, driver, { paymentMethod: method, fare: FARE });
      await completeTrip(t, driver, tripId);
    }
    for (const period of ['day', 'week']) {
      const res = await t.api('GET', `/api/v1/wallet/earnings?period=${period}`, { token: driver.accessToken });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // Summed: two trips a second apart may straddle a Cairo midnight.
      const sum = (k: string) => res.body.data.reduce((s: number, r: any) => s + r[k], 0);
      assert.deepEqual(['trips', 'cashTrips', 'gross', 'commission', 'net'].map(sum), [
        2,
        1,
        2 * FARE,
        2 * COMMISSION,
        2 * (FARE - COMMISSION),
      ]);
    }
    const admin = await t.admin();
    const byAdmin = await t.api('GET', `/api/v1/admin/reports/driver-earnings?driverId=${driver.id}`, {
      token: admin.accessToken,
    });
    assert.equal(
      byAdmin.body.data.reduce((s: number, r: any) => s + r.net, 0),
      2 * (FARE - COMMISSION),
    );
    const revenue = await t.api('GET', '/api/v1/admin/reports/platform-revenue', { token: admin.accessToken });
    assert.equal(revenue.status, 200);
    const total = revenue.body.data.reduce((s: number, r: any) => s + r.revenue, 0);
    assert.equal(total, await platformRevenue());
    assert.equal(
      (await t.api('GET', '/api/v1/admin/reports/platform-revenue', { token: driver.accessToken })).status,
      403,
    );
    assert.equal(
      (await t.api('GET', '/api/v1/wallet/earnings?from=2025-02-01&to=2025-01-01', { token: driver.accessToken }))
        .status,
      400,
    );
    assert.equal((await walletSummary(t.platform.database.db, driver.id)).balance, FARE - 2 * COMMISSION);
  });
});

describe('settlement charges the commission of the tariff the trip was priced with', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('pay_commission', { DRIVER_CREDIT_LIMIT: '5000' });
  });
  after(async () => ctx.close());

  async function setEconomyCommission(bps: number) {
    const { t } = ctx;
    const token = (await t.admin()).accessToken;
    const config = (await t.api('GET', '/api/v1/admin/pricing', { token })).body.data;
    const economy = config.tariffs.find((x: { vehicleClass: string }) => x.vehicleClass === 'economy');
    const { baseFare, perKm, perMin, minFare } = economy;
    const res = await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', {
      token,
      body: { baseFare, perKm, perMin, minFare, commissionBps: bps },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  test(
    'an admin sets economy commission to 30 %: a cash trip requested after it costs the driver 30 %, one ' +
      'requested before 15 %',
    async () => {
      const { t } = ctx;
      const [earlyRider, lateRider] = [await t.signup('rider'), await t.signup('rider')];
      const [earlyDriver, lateDriver] = [await t.driver(), await t.driver()];
      const early = await startedTrip(t, earlyRider, earlyDriver, { paymentMethod: 'cash', fare: FARE });
      await setEconomyCommission(3_000);
      const late = await startedTrip(t, lateRider, lateDriver, { paymentMethod: 'cash', fare: FARE });
      assert.equal((await completeTrip(t, lateDriver, late)).body.data.status, 'completed');
      assert.equal((await completeTrip(t, earlyDriver, early)).body.data.status, 'completed');
      assert.equal((await wallet(t, lateDriver)).balance, -1_500, '30 % of 50.00 EGP');
      assert.equal(
        (await wallet(t, earlyDriver)).balance,
        -COMMISSION,
        'the tariff in force when it was requested: 15 %',
      );
      const [settlement] = await sql(
        t,
        'SELECT commission, driver_share FROM $schema.trip_settlements WHERE trip_id = $1',
        [late],
      );
      assert.deepEqual(settlement, { commission: 1_500, driver_share: 3_500 });
    },
  );
});
