import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { startFakeOsrm, type FakeOsrm } from './fake-osrm.js';
import { complete, economyQuote, noTimeWindows, setEconomy, spot, startedRide } from './rides.js';

/** 10 km / 20 min economy with no multipliers: API.md's worked example, 55.00 EGP. */
const FARE = 5_500;

describe('tariff versions', () => {
  let t: TestApp;
  let osrm: FakeOsrm;
  let admin: TestUser;

  before(async () => {
    osrm = await startFakeOsrm({ distance: 10_000, duration: 1_200 });
    t = await startTestApp('tariff_versions', { ...LEDGER_TEST_ENV, ROUTE_PROVIDER_URL: osrm.url });
    admin = await t.admin();
    await noTimeWindows(t, admin);
  });
  after(async () => {
    await t.close();
    await osrm.close();
  });

  const commissionsOf = async (tripId: string) =>
    (
      await t.platform.database.pool.query(
        `SELECT sum(amount)::int AS total FROM "${t.schema}".ledger_transfers WHERE reference = $1 AND kind = 'commission'`,
        [`trip:${tripId}`],
      )
    ).rows[0].total as number;

  test('admin sets economy commission 30 %: a trip quoted before keeps the old %, the next cash trip takes 30 %', async () => {
    const [early, late] = await Promise.all([t.signup('rider'), t.signup('rider')]);
    const [driverA, driverB] = await Promise.all([t.driver(), t.driver()]);
    const before15 = await setEconomy(t, admin, { commissionBps: 1500 });
    const quote = await economyQuote(t, early, spot(1));
    assert.equal(quote.tariffVersion, before15.version);

    const at30 = await setEconomy(t, admin, { commissionBps: 3000 });
    assert.equal(at30.version, before15.version + 1, 'the change is a new version');

    const quoted = await startedRide(
      t,
      { rider: early, driver: driverA },
      {
        pickup: spot(1),
        paymentMethod: 'cash',
        quoteId: quote.quoteId,
      },
    );
    const next = await startedRide(t, { rider: late, driver: driverB }, { pickup: spot(2), paymentMethod: 'cash' });
    await complete(t, driverA, quoted);
    await complete(t, driverB, next);

    assert.equal(await commissionsOf(quoted), 825, 'the quoted trip keeps 15 % of 55.00');
    assert.equal(await commissionsOf(next), 1_650, 'the next trip takes 30 % of 55.00');
    const receipts = await Promise.all(
      [quoted, next].map((id) => t.api('GET', `/api/v1/trips/${id}/receipt`, { token: admin.accessToken })),
    );
    assert.deepEqual(
      receipts.map((r) => [r.body.data.tariffVersion, r.body.data.total, r.body.data.commission]),
      [
        [before15.version, FARE, 825],
        [at30.version, FARE, 1_650],
      ],
    );
  });

  test('every change is listed as its own version, newest first; repeating the tariff in force adds none', async () => {
    const first = await setEconomy(t, admin, { perKm: 360 });
    const again = await setEconomy(t, admin, { perKm: 360 });
    assert.equal(again.version, first.version, 'same figures: no new version');
    const second = await setEconomy(t, admin, { perKm: 370 });
    const res = await t.api('GET', '/api/v1/admin/pricing/tariffs/economy/versions?limit=2', {
      token: admin.accessToken,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.data.map((v: { version: number; perKm: number }) => [v.version, v.perKm]),
      [
        [second.version, 370],
        [first.version, 360],
      ],
    );
    const rest = await t.api(
      'GET',
      `/api/v1/admin/pricing/tariffs/economy/versions?limit=100&cursor=${res.body.meta.nextCursor}`,
      { token: admin.accessToken },
    );
    assert.equal(rest.body.data.at(-1).version, 1, 'down to the seeded version 1');
    const rider = await t.signup('rider');
    const denied = await t.api('GET', '/api/v1/admin/pricing/tariffs/economy/versions', { token: rider.accessToken });
    assert.equal(denied.status, 403);
  });

  test('a stored version cannot be altered or deleted, even by SQL; only its author can fade', async () => {
    const sql = (text: string) => t.platform.database.pool.query(text.replaceAll('$s', `"${t.schema}"`));
    await assert.rejects(
      sql(`UPDATE $s.tariff_versions SET commission_bps = 0 WHERE vehicle_class = 'economy' AND version = 1`),
      /immutable/,
    );
    await assert.rejects(sql(`DELETE FROM $s.tariff_versions WHERE vehicle_class = 'economy'`), /immutable/);
    // Erasing the admin who wrote a version only fades the author (ON DELETE SET NULL).
    await sql(`UPDATE $s.tariff_versions SET created_by = NULL WHERE vehicle_class = 'economy' AND version = 1`);
  });

  test('20 concurrent tariff changes make 20 versions, numbered without gaps or repeats', async () => {
    const versionsOf = async () =>
      (await t.api('GET', '/api/v1/admin/pricing/tariffs/comfort/versions?limit=100', { token: admin.accessToken }))
        .body.data as Array<{ version: number; commissionBps: number }>;
    const startedAt = (await versionsOf())[0]!.version;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.api('PUT', '/api/v1/admin/pricing/tariffs/comfort', {
          token: admin.accessToken,
          body: { baseFare: 1500, perKm: 500, perMin: 75, minFare: 2500, commissionBps: 100 + i },
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(20).fill(200),
    );
    const created = (await versionsOf()).filter((v) => v.version > startedAt);
    assert.deepEqual(
      created.map((v) => v.version).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => startedAt + 1 + i),
    );
    assert.equal(new Set(created.map((v) => v.commissionBps)).size, 20, 'each change kept its own figures');
    const inForce = (await t.api('GET', '/api/v1/admin/pricing', { token: admin.accessToken })).body.data.tariffs.find(
      (x: { vehicleClass: string }) => x.vehicleClass === 'comfort',
    );
    assert.equal(inForce.version, startedAt + 20, 'the tariff in force is the last version written');
  });
});
