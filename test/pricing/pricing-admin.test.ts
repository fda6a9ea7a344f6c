import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { at, estimate, startPricingApp, type PricingApp } from './pricing-app.js';

/** What an admin changes in pricing (tariffs, time windows, events) and what the admin endpoints refuse. */
describe('pricing admin over HTTP (tariffs, time windows, events)', () => {
  let t: TestApp;
  let admin: TestUser;
  let app: PricingApp;
  before(async () => {
    app = await startPricingApp('pricing_admin');
    ({ t, admin } = app);
  });
  after(async () => app.close());

  test('admin tariff, time-window and event changes apply to the next estimate, no restart', async () => {
    const rider = await t.signup('rider');
    const pickup = at(8);
    const token = admin.accessToken;
    const tariff = await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', {
      token,
      body: { baseFare: 2000, perKm: 350, perMin: 50, minFare: 1500, commissionBps: 1500 },
    });
    assert.equal(tariff.status, 200, JSON.stringify(tariff.body));
    assert.equal((await estimate(t, rider, pickup, 'economy'))[0]!.amount, 6500);
    await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', {
      token,
      body: { baseFare: 1000, perKm: 350, perMin: 50, minFare: 1500, commissionBps: 1500 },
    });

    const allDay = await t.api('PUT', '/api/v1/admin/pricing/time-windows', {
      token,
      body: { windows: [{ startHour: 0, endHour: 24, multiplier: 1.2, description: 'test' }] },
    });
    assert.equal(allDay.status, 200, JSON.stringify(allDay.body));
    assert.equal((await estimate(t, rider, pickup, 'economy'))[0]!.amount, 6600);

    const now = Date.now();
    const event = await t.api('POST', '/api/v1/admin/pricing/events', {
      token,
      body: {
        name: 'Derby',
        area: { center: pickup, radiusM: 1_000 },
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        multiplier: 1.5,
      },
    });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    // The event competes with the 1.2 window (highest applies): 5500 × 1.5, not × 1.8.
    assert.equal((await estimate(t, rider, pickup, 'economy'))[0]!.amount, 8250);
    assert.equal((await estimate(t, rider, at(9), 'economy'))[0]!.amount, 6600, 'outside the event area');

    const config = await t.api('GET', '/api/v1/admin/pricing', { token });
    assert.equal(config.body.data.tariffs.length, 4);
    assert.deepEqual(
      config.body.data.timeWindows.map((w: { multiplier: number }) => w.multiplier),
      [1.2],
    );
    assert.equal(config.body.data.events[0].id, event.body.data.id);
    const list = await t.api('GET', '/api/v1/admin/pricing/events?limit=1', { token });
    assert.equal(list.body.data.length, 1);

    assert.equal((await t.api('DELETE', `/api/v1/admin/pricing/events/${event.body.data.id}`, { token })).status, 204);
    assert.equal((await estimate(t, rider, pickup, 'economy'))[0]!.amount, 6600);
    await t.api('PUT', '/api/v1/admin/pricing/time-windows', { token, body: { windows: [] } });
    assert.equal((await estimate(t, rider, pickup, 'economy'))[0]!.amount, 5500);
  });

  test('admin pricing endpoints: riders get 403, bad input 400, unknown event 404', async () => {
    const rider = await t.signup('rider');
    const body = { baseFare: 1, perKm: 1, perMin: 1, minFare: 1, commissionBps: 1 };
    assert.equal(
      (await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', { token: rider.accessToken, body })).status,
      403,
    );
    assert.equal((await t.api('GET', '/api/v1/admin/pricing', { token: rider.accessToken })).status, 403);
    const token = admin.accessToken;
    assert.equal(
      (await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', { token, body: { ...body, commissionBps: 10_001 } }))
        .status,
      400,
    );
    assert.equal((await t.api('PUT', '/api/v1/admin/pricing/tariffs/bus', { token, body })).status, 400);
    assert.equal(
      (
        await t.api('PUT', '/api/v1/admin/pricing/time-windows', {
          token,
          body: { windows: [{ startHour: 7, endHour: 7, multiplier: 1.2 }] },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await t.api('PUT', '/api/v1/admin/pricing/time-windows', {
          token,
          body: { windows: [{ startHour: 7, endHour: 9, multiplier: 9 }] },
        })
      ).status,
      400,
    );
    const inverted = {
      name: 'x',
      area: { bbox: { minLat: 30.1, minLng: 31.1, maxLat: 30.0, maxLng: 31.2 } },
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 1000).toISOString(),
      multiplier: 1.2,
    };
    assert.equal((await t.api('POST', '/api/v1/admin/pricing/events', { token, body: inverted })).status, 400);
    assert.equal(
      (await t.api('DELETE', '/api/v1/admin/pricing/events/00000000-0000-4000-8000-000000000000', { token })).status,
      404,
    );
  });
});
