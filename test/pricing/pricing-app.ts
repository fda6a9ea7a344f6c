/** Shared setup of the pricing-over-HTTP suites (pricing-api, pricing-admin); not a test file itself. */
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { startFakeOsrm, type FakeOsrm } from './fake-osrm.js';
import { awayFrom, noTimeWindows, type Point } from './rides.js';

// Each test prices around its own point so surge counters and holds never leak between tests.
export const at = (i: number): Point => ({ lat: 30.0 + i * 0.02, lng: 31.2 });

export interface PricingApp {
  t: TestApp;
  admin: TestUser;
  osrm: FakeOsrm;
  close(): Promise<void>;
}

export async function startPricingApp(name: string): Promise<PricingApp> {
  // The router answers 10 km / 20 min for every pair: API.md's worked example.
  const osrm = await startFakeOsrm({ distance: 10_000, duration: 1_200 });
  const t = await startTestApp(name, { ROUTE_PROVIDER_URL: osrm.url, DISPATCH_INLINE_FIRST_ROUND: 'false' });
  const admin = await t.admin();
  // No time-of-day multiplier, whatever the hour the suite runs at.
  await noTimeWindows(t, admin);
  return {
    t,
    admin,
    osrm,
    async close() {
      await t.close();
      await osrm.close();
    },
  };
}

export async function estimate(t: TestApp, user: TestUser, pickup: Point, vehicleClass?: string) {
  const res = await t.api('POST', '/api/v1/pricing/estimate', {
    token: user.accessToken,
    body: { pickup, dropoff: awayFrom(pickup), ...(vehicleClass ? { vehicleClass } : {}) },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data.quotes as Array<{
    vehicleClass: string;
    amount: number;
    surge: number;
    quoteId: string;
    expiresAt: string;
    distanceM: number;
    durationS: number;
  }>;
}
