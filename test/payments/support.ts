/** Shared helpers of the payments suites (not a test file itself). */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { offerTrip } from '../../src/modules/trips/index.js';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { FakeKashier, KASHIER_TEST_ENV } from './fake-kashier.js';

export interface PaymentsTest {
  t: TestApp;
  kashier: FakeKashier;
  close(): Promise<void>;
}

/** The app listening on a real port (Kashier must reach it) and a fake Kashier pointed at it. */
export async function startPaymentsApp(
  name: string,
  env: Record<string, string> = {},
  opts: { startJobs?: boolean } = {},
): Promise<PaymentsTest> {
  const kashier = await FakeKashier.start({
    apiKey: KASHIER_TEST_ENV.KASHIER_API_KEY,
    merchantId: KASHIER_TEST_ENV.KASHIER_MERCHANT_ID,
  });
  // The pool also serves the job runner here (webhooks are applied by a job).
  const t = await startTestApp(name, {
    ...LEDGER_TEST_ENV,
    DB_POOL_MAX: '16',
    ...KASHIER_TEST_ENV,
    KASHIER_CHECKOUT_URL: kashier.url,
    KASHIER_API_URL: kashier.url,
    ...env,
  });
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  // Webhooks are applied by the payments.kashier_event job.
  if (opts.startJobs !== false) await t.platform.jobs.start();
  const { port } = t.app.http.server.address() as AddressInfo;
  kashier.webhookUrl = `http://127.0.0.1:${port}/api/v1/webhooks/kashier`;
  return {
    t,
    kashier,
    async close() {
      await t.close();
      await kashier.close();
    },
  };
}

/** Waits for the job to apply Kashier transaction `transactionId`; returns its outcome (credited, held, …). */
export async function applied(t: TestApp, transactionId: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql(t, 'SELECT outcome FROM $schema.provider_events WHERE provider_transaction_id = $1', [
      transactionId,
    ]);
    if (row?.outcome) return row.outcome as string;
    if (Date.now() > deadline)
      throw new Error(`Kashier transaction ${transactionId} not applied within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Opens a deposit and pays it on the fake Kashier page; waits until the webhook's job has applied it. */
export async function topUp(ctx: PaymentsTest, user: TestUser, amount: number) {
  const created = await ctx.t.api('POST', '/api/v1/wallet/deposits', { token: user.accessToken, body: { amount } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const paid = await ctx.kashier.pay(created.body.data.paymentUrl);
  assert.equal(paid.status, 302, 'Kashier accepted our order hash');
  assert.equal(paid.webhookStatus, 200);
  const outcome = await applied(ctx.t, paid.transactionId!);
  return { depositId: created.body.data.depositId as string, transactionId: paid.transactionId!, outcome };
}

export async function wallet(t: TestApp, user: TestUser) {
  const res = await t.api('GET', '/api/v1/wallet', { token: user.accessToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  // The money only: what else GET /wallet carries (the payout method) has its own tests.
  const { balance, pending, available, creditLimit, dues, currency } = res.body.data;
  return { balance, pending, available, creditLimit, dues, currency } as {
    balance: number;
    pending: number;
    available: number;
    creditLimit: number;
    dues: number;
    currency: string;
  };
}

/** A valid Egyptian IBAN (check digits right), the shape banks print. */
export const EG_IBAN = 'EG38 0019 0005 0000 0000 2631 8000 2';

/** Gives a driver somewhere to receive withdrawals (a withdrawal needs a payout method). */
export async function setBankPayoutMethod(t: TestApp, user: TestUser, holderName = 'Omar Driver') {
  const res = await t.api('PUT', '/api/v1/wallet/payout-method', {
    token: user.accessToken,
    body: { type: 'bank', iban: EG_IBAN, holderName },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

export async function sql<T = any>(t: TestApp, text: string, params: unknown[] = []): Promise<T[]> {
  return (await t.platform.database.pool.query(text.replaceAll('$schema', `"${t.schema}"`), params)).rows as T[];
}

const TRIP = {
  pickup: { lat: 30.0444, lng: 31.2357 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
  vehicleClass: 'economy',
};

/**
 * A trip through the API up to `started`, with its fare then fixed to `fare` piastres (the tariff depends on the
 * clock).
 */
export async function startedTrip(
  t: TestApp,
  rider: TestUser,
  driver: TestUser,
  opts: { paymentMethod: 'cash' | 'wallet' | 'card'; fare: number },
) {
  const created = await t.api('POST', '/api/v1/trips', {
    token: rider.accessToken,
    body: { ...TRIP, paymentMethod: opts.paymentMethod },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const tripId = created.body.data.id as string;
  await offerTrip(t.platform.database.db, {
    tripId,
    driverIds: [driver.id],
    round: 1,
    expiresAt: new Date(Date.now() + 60_000),
  });
  const steps: Array<[string, Record<string, unknown>]> = [
    [`/api/v1/trips/${tripId}/driver-response`, { action: 'accept' }],
    [`/api/v1/trips/${tripId}/status`, { status: 'arrived' }],
  ];
  for (const [path, body] of steps) {
    const res = await t.api('POST', path, { token: driver.accessToken, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  const otp = (await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken })).body.data.otp;
  const started = await t.api('POST', `/api/v1/trips/${tripId}/status`, {
    token: driver.accessToken,
    body: { status: 'started', otp },
  });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  await sql(t, 'UPDATE $schema.trips SET fare_amount = $1 WHERE id = $2', [opts.fare, tripId]);
  return tripId;
}

export async function completeTrip(t: TestApp, driver: TestUser, tripId: string) {
  return t.api('POST', `/api/v1/trips/${tripId}/status`, { token: driver.accessToken, body: { status: 'completed' } });
}
