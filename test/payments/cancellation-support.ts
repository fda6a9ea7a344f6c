/** Shared helpers of the cancellation-fee suites (cancellation-fees, cancellation-fee-waivers); not a test file. */
import assert from 'node:assert/strict';
import { systemAccounts } from '../../src/modules/ledger/index.js';
import { offerTrip } from '../../src/modules/trips/index.js';
import type { TestApp, TestUser } from '../../support/harness.js';
import { sql } from './support.js';

/** cancellation-policy.ts: a rider cancelling after the driver arrived pays 20.00 EGP; economy commission 15 %. */
export const FEE = 2_000;
export const FEE_COMMISSION = 300;
export const DRIVER_SHARE = FEE - FEE_COMMISSION;
/** Above any clock-dependent estimate of the test trip, so wallet trips can be requested. */
export const TOP_UP = 20_000;

const TRIP = {
  pickup: { lat: 30.0444, lng: 31.2357 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
  vehicleClass: 'economy',
};

/** A trip through the API up to `arrived` (the driver is at the pickup): cancelling it now costs the rider the fee. */
export async function arrivedTrip(
  t: TestApp,
  rider: TestUser,
  driver: TestUser,
  paymentMethod: 'cash' | 'wallet' = 'cash',
) {
  const created = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: { ...TRIP, paymentMethod } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const tripId = created.body.data.id as string;
  const expiresAt = new Date(Date.now() + 60_000);
  await offerTrip(t.platform.database.db, { tripId, driverIds: [driver.id], round: 1, expiresAt });
  for (const [path, body] of [
    [`/api/v1/trips/${tripId}/driver-response`, { action: 'accept' }],
    [`/api/v1/trips/${tripId}/status`, { status: 'arrived' }],
  ] as const) {
    const res = await t.api('POST', path, { token: driver.accessToken, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  return tripId;
}

export function cancel(t: TestApp, rider: TestUser, tripId: string, headers: Record<string, string> = {}) {
  return t.api('POST', `/api/v1/trips/${tripId}/cancel`, {
    token: rider.accessToken,
    body: { reason: 'changed my mind' },
    headers,
  });
}

export async function net(t: TestApp, kind: 'platform_revenue' | 'cash_clearing') {
  const id = (await systemAccounts(t.platform.database.db))[kind];
  const [row] = await sql(
    t,
    'SELECT credits_posted - debits_posted AS net FROM $schema.ledger_accounts WHERE id = $1',
    [id],
  );
  return Number(row.net);
}

export async function feeTransfers(t: TestApp, tripId: string) {
  return sql(t, `SELECT id, kind, amount FROM $schema.ledger_transfers WHERE reference = $1 ORDER BY seq`, [
    `trip:${tripId}`,
  ]);
}

export async function reconciles(t: TestApp, admin: TestUser) {
  const res = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const failed = res.body.data.checks.filter((c: any) => !c.ok);
  assert.deepEqual(failed, [], 'reconciliation balances');
}
