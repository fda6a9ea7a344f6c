import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { startFakeOsrm, type FakeOsrm } from '../pricing/fake-osrm.js';
import { requestService, serviceBody, spot, towBody } from './support.js';

describe('service requests and their estimate (issue 18 #1)', () => {
  let t: TestApp;
  let osrm: FakeOsrm;
  let admin: TestUser;

  before(async () => {
    // The router says the tow is 10 km from the breakdown to the garage.
    osrm = await startFakeOsrm({ distance: 10_000, duration: 1_200 });
    t = await startTestApp('service_requests', { ...LEDGER_TEST_ENV, ROUTE_PROVIDER_URL: osrm.url });
    admin = await t.admin();
  });
  after(async () => {
    await t.close();
    await osrm.close();
  });

  const estimate = (who: TestUser, body: unknown) =>
    t.api('POST', '/api/v1/service-requests/estimate', { token: who.accessToken, body });
  const setTariff = async (serviceType: string, figures: Record<string, number>) => {
    const res = await t.api('PUT', `/api/v1/admin/pricing/service-tariffs/${serviceType}`, {
      token: admin.accessToken,
      body: { callOutFee: 8_000, perKm: 0, commissionBps: 1_500, ...figures },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { version: number; callOutFee: number };
  };

  test('estimate is itemised: the call-out fee, plus 8 EGP per km towed for a tow', async () => {
    const customer = await t.signup('rider');
    const battery = await estimate(customer, { serviceType: 'lockout', location: spot(1) });
    assert.equal(battery.status, 200, JSON.stringify(battery.body));
    assert.deepEqual(battery.body.data.items, [{ code: 'call_out', amount: 9_000 }]);
    assert.equal(battery.body.data.total, 9_000);
    assert.equal(battery.body.data.towDistanceM, null);

    const tow = await estimate(customer, { serviceType: 'tow', location: spot(1), destination: spot(9) });
    assert.equal(tow.status, 200, JSON.stringify(tow.body));
    assert.deepEqual(tow.body.data.items, [
      { code: 'call_out', amount: 15_000 },
      { code: 'tow_distance', amount: 8_000 },
    ]);
    assert.equal(tow.body.data.total, 23_000);
    assert.equal(tow.body.data.towDistanceM, 10_000);
  });

  test('a request is 201 in searching, priced as estimated; the completion code is in the customer view only', async () => {
    const customer = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/service-requests', { token: customer.accessToken, body: towBody() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const view = created.body.data;
    assert.equal(view.status, 'searching');
    assert.equal(view.estimate.total, 23_000);
    assert.match(view.completionCode, /^\d{4}$/);

    const mine = await t.api('GET', `/api/v1/service-requests/${view.id}`, { token: customer.accessToken });
    assert.equal(mine.body.data.completionCode, view.completionCode);
    assert.deepEqual(mine.body.data.vehicle, { make: 'Hyundai', model: 'Elantra', plate: 'ABC 123' });
    const byAdmin = await t.api('GET', `/api/v1/service-requests/${view.id}`, { token: admin.accessToken });
    assert.equal(byAdmin.status, 200);
    assert.equal(byAdmin.body.data.completionCode, undefined, 'only the customer sees the code');
    const stranger = await t.signup('rider');
    const probe = await t.api('GET', `/api/v1/service-requests/${view.id}`, { token: stranger.accessToken });
    assert.equal(probe.status, 404);
  });

  test('bad input is a 400 naming the field, and nothing is written', async () => {
    const customer = await t.signup('rider');
    const before = await t.count('service_requests');
    const cases: Array<[string, unknown]> = [
      ['unknown service type', serviceBody({ serviceType: 'plumbing' })],
      ['tow without destination', serviceBody({ serviceType: 'tow' })],
      ['destination on a battery job', serviceBody({ destination: spot(3) })],
      ['description over 1000', serviceBody({ description: 'x'.repeat(1001) })],
      ['no vehicle', { ...serviceBody(), vehicle: undefined }],
      ['(0,0) location', serviceBody({ location: { lat: 0, lng: 0 } })],
      ['unknown payment method', serviceBody({ paymentMethod: 'iou' })],
    ];
    for (const [name, body] of cases) {
      const res = await t.api('POST', '/api/v1/service-requests', { token: customer.accessToken, body });
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR', name);
    }
    const driver = await t.signup('driver');
    const wrongRole = await t.api('POST', '/api/v1/service-requests', {
      token: driver.accessToken,
      body: serviceBody(),
    });
    assert.equal(wrongRole.status, 403);
    assert.equal(await t.count('service_requests'), before);
  });

  test('one open request per customer: 10 concurrent requests ⇒ exactly one 201, the rest 409', async () => {
    const customer = await t.signup('rider');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.api('POST', '/api/v1/service-requests', {
          token: customer.accessToken,
          body: serviceBody({ location: spot(i) }),
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(9).fill(409)]);
    const list = await t.api('GET', '/api/v1/service-requests', { token: customer.accessToken });
    assert.equal(list.body.data.length, 1);
  });

  test('a wallet request the balance cannot cover is 402 and stores nothing', async () => {
    const customer = await t.signup('rider');
    const res = await t.api('POST', '/api/v1/service-requests', {
      token: customer.accessToken,
      body: serviceBody({ paymentMethod: 'wallet' }),
    });
    assert.equal(res.status, 402, JSON.stringify(res.body));
    const list = await t.api('GET', '/api/v1/service-requests', { token: customer.accessToken });
    assert.deepEqual(list.body.data, []);
  });

  test('a tariff change is a new version: earlier requests keep their price, later ones take the new one', async () => {
    const [early, late] = await Promise.all([t.signup('rider'), t.signup('rider')]);
    const first = await requestService(t, early, { serviceType: 'fuel' });
    const v2 = await setTariff('fuel', { callOutFee: 7_500 });
    assert.equal(v2.version, first.estimate.tariffVersion + 1);
    const again = await setTariff('fuel', { callOutFee: 7_500 });
    assert.equal(again.version, v2.version, 'the same figures again add no version');
    const second = await requestService(t, late, { serviceType: 'fuel' });
    assert.deepEqual(
      [first.estimate.total, second.estimate.total, second.estimate.tariffVersion],
      [6_000, 7_500, v2.version],
    );
    const reread = await t.api('GET', `/api/v1/service-requests/${first.id}`, { token: early.accessToken });
    assert.equal(reread.body.data.estimate.total, 6_000);
  });

  test('8 concurrent tariff changes of one type get 8 consecutive versions', async () => {
    const before = (await t.api('GET', '/api/v1/admin/pricing/service-tariffs', { token: admin.accessToken })).body
      .data as Array<{ serviceType: string; version: number }>;
    const start = before.find((r) => r.serviceType === 'tyre')!.version;
    const versions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => setTariff('tyre', { callOutFee: 7_100 + i })),
    );
    assert.deepEqual(
      versions.map((v) => v.version).sort((a, b) => a - b),
      Array.from({ length: 8 }, (_, i) => start + 1 + i),
    );
  });

  test('lists page newest first with a cursor', async () => {
    const customers = await Promise.all([0, 1, 2].map(() => t.signup('rider')));
    const ids: string[] = [];
    for (const [i, c] of customers.entries()) ids.push((await requestService(t, c, { location: spot(20 + i) })).id);
    const page1 = await t.api('GET', '/api/v1/service-requests?limit=2&status=searching', { token: admin.accessToken });
    assert.equal(page1.status, 200, JSON.stringify(page1.body));
    assert.deepEqual(
      page1.body.data.map((r: { id: string }) => r.id),
      [ids[2], ids[1]],
    );
    const cursor = page1.body.meta.nextCursor as string;
    const page2 = await t.api('GET', `/api/v1/service-requests?limit=2&status=searching&cursor=${cursor}`, {
      token: admin.accessToken,
    });
    assert.equal(page2.body.data[0].id, ids[0]);
  });
});
