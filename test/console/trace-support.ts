/** Helpers of the trace suites (not a test file itself): a dispatched, completed trip and service job. */
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { jobsSchemaFor } from '../../src/platform/jobs/runner-options.js';
import { DROPOFF, PICKUP, driverAt, eventually, northOf, respond } from '../dispatch/support.js';
import { photo, photoWithGps, uploadProof } from '../field-service/proof-support.js';
import { district, providerAt, requestService, respondToRequest } from '../field-service/support.js';

/** Location fixes closer than 2 s apart are coalesced (COALESCE_MS): the provider's fixes are spaced by this. */
const FIX_SPACING_MS = 2_100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A loaded CI box delivers pushes and offers late: wait generously for conditions, never a fixed sleep. */
export const DEADLINE_MS = 30_000;

export async function call(t: TestApp, user: TestUser, method: string, path: string, body?: unknown) {
  const res = await t.api(method, path, { token: user.accessToken, body });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/**
 * A quoted trip offered by dispatch (inline first round) to a driver 400 m away, accepted and completed; rider
 * and driver have a push token each. The app must run jobs and point PUSH_URL at a fake provider for pushes.
 */
export async function completedDispatchedTrip(t: TestApp) {
  const rider = await t.signup('rider');
  const driver = await driverAt(t, northOf(PICKUP, 400));
  for (const user of [rider, driver])
    await call(t, user, 'POST', '/api/v1/me/push-tokens', { token: `tok-${user.id}`, platform: 'android' });
  const body = { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy' };
  const estimate = await call(t, rider, 'POST', '/api/v1/pricing/estimate', body);
  const trip = await call(t, rider, 'POST', '/api/v1/trips', {
    ...body,
    paymentMethod: 'cash',
    quoteId: estimate.quotes[0].quoteId,
  });
  await eventually(async () => (await respond(t, driver, trip.id, { action: 'accept' })).status === 200, DEADLINE_MS);
  await call(t, driver, 'POST', `/api/v1/trips/${trip.id}/status`, { status: 'arrived' });
  const { otp } = await call(t, rider, 'GET', `/api/v1/trips/${trip.id}`);
  await call(t, driver, 'POST', `/api/v1/trips/${trip.id}/status`, { status: 'started', otp });
  await call(t, driver, 'POST', `/api/v1/trips/${trip.id}/status`, { status: 'completed' });
  return { trip: trip as { id: string; fare: { amount: number } }, driver, rider };
}

/** One fix from the provider's phone, taken now; it must be accepted (not coalesced or refused). */
async function sendFix(t: TestApp, provider: TestUser, at: { lat: number; lng: number }) {
  const fix = await call(t, provider, 'POST', '/api/v1/location/update', { ...at, timestamp: Date.now() });
  assert.equal(fix.accepted, true, JSON.stringify(fix));
}

/**
 * A battery job offered by dispatch to a provider nearby, accepted, quoted twice (revision 1 at 90.00 EGP,
 * superseded by revision 2 at 50.00 EGP, approved), done with a photo and the customer's code (cash). The provider
 * sends three fixes while on the job (`trail`), one before the request (placing them) and one after it ended
 * (`outside`); customer and provider exchange a chat line each.
 */
export async function completedServiceJob(t: TestApp) {
  const at = district(3);
  const customer = await t.signup('rider');
  const provider = await providerAt(
    t,
    { lat: at.lat + 0.002, lng: at.lng },
    { serviceTypes: ['battery'], equipment: ['jump_starter'] },
  );
  const job = await requestService(t, customer, { location: { ...at, address: 'Ring road' } });
  await eventually(async () => (await respondToRequest(t, provider, job.id, 'accept')).status === 200, DEADLINE_MS);
  const path = `/api/v1/service-requests/${job.id}`;
  const step = (who: TestUser, suffix: string, body: unknown) => call(t, who, 'POST', `${path}/${suffix}`, body);
  const trail = [0.0015, 0.001, 0.0003].map((dLat) => ({ lat: at.lat + dLat, lng: at.lng }));
  await step(provider, 'status', { status: 'en_route' });
  await sleep(FIX_SPACING_MS); // after the fix that placed the provider
  await sendFix(t, provider, trail[0]!);
  await call(t, customer, 'POST', `${path}/messages`, { text: 'Silver car by the ring road', clientMessageId: 'c1' });
  await sleep(FIX_SPACING_MS);
  await sendFix(t, provider, trail[1]!);
  await sleep(FIX_SPACING_MS);
  await sendFix(t, provider, trail[2]!);
  await step(provider, 'status', { status: 'arrived' });
  await call(t, provider, 'POST', `${path}/messages`, { text: 'I can see you', clientMessageId: 'p1' });
  const labour = { kind: 'labour', label: 'Jump start', qty: 1 };
  await step(provider, 'quote', { items: [{ ...labour, unitAmount: 9_000 }] });
  await step(provider, 'quote', { items: [{ ...labour, unitAmount: 5_000 }] });
  await step(customer, 'quote/approve', { revision: 2 });
  await step(provider, 'status', { status: 'in_progress' });
  assert.equal((await uploadProof(t, provider, job.id, [photo(await photoWithGps())])).status, 201);
  await step(provider, 'status', { status: 'completed', code: job.completionCode });
  await sleep(FIX_SPACING_MS);
  const after = { lat: at.lat + 0.0001, lng: at.lng };
  await sendFix(t, provider, after);
  return { job, provider, customer, trail, outside: [{ lat: at.lat + 0.002, lng: at.lng }, after] };
}

/**
 * What a trace test that timed out waiting for a job's work should print: the queue's jobs (task, attempts, last
 * error, when due, whether locked) and the push deliveries of the trip (status, attempts, last error).
 */
export async function jobsAndPushes(t: TestApp, tripId: string): Promise<string> {
  const jobs = jobsSchemaFor(t.schema);
  const pool = t.platform.database.pool;
  const queued = await pool.query(
    `SELECT t.identifier, j.attempts, j.last_error, j.run_at, j.locked_at IS NOT NULL AS locked
       FROM "${jobs}"._private_jobs j JOIN "${jobs}"._private_tasks t ON t.id = j.task_id ORDER BY j.id`,
  );
  const pushes = await pool.query(
    `SELECT dedupe_key, status, attempts, last_error, created_at FROM "${t.schema}".notification_deliveries
      WHERE subject_id = $1::uuid ORDER BY created_at`,
    [tripId],
  );
  return JSON.stringify({ now: new Date(), jobs: queued.rows, pushes: pushes.rows });
}
