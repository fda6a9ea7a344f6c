/** Shared helpers of the field-service suites (not a test file itself). */
import { tripOffers } from '../../src/modules/trips/index.js';
import type { TestApp, TestUser } from '../../support/harness.js';

/** Around Tahrir Square, Cairo: spot(i) are distinct breakdown points a few hundred metres apart. */
export const spot = (i: number) => ({ lat: 30.0444 + i * 0.003, lng: 31.2357 + i * 0.002 });

export function serviceBody(overrides: Record<string, unknown> = {}) {
  return {
    serviceType: 'battery',
    location: { ...spot(0), address: 'Tahrir Sq.' },
    vehicle: { make: 'Hyundai', model: 'Elantra', plate: 'ABC 123' },
    description: 'Will not start, lights dim',
    paymentMethod: 'cash',
    ...overrides,
  };
}

export const towBody = (overrides: Record<string, unknown> = {}) =>
  serviceBody({ serviceType: 'tow', destination: { ...spot(10), address: 'Garage' }, ...overrides });

export async function requestService(t: TestApp, customer: TestUser, overrides: Record<string, unknown> = {}) {
  const res = await t.api('POST', '/api/v1/service-requests', {
    token: customer.accessToken,
    body: serviceBody(overrides),
  });
  if (res.status !== 201) throw new Error(`service request failed ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.data as { id: string; completionCode?: string; estimate: { total: number; tariffVersion: number } };
}

/**
 * Assigns a searching request to a provider by SQL, for suites about what happens after assignment (dispatch
 * itself — offers and the accept race — is proven in dispatch.test.ts and dispatch-accept.test.ts). These providers
 * have no position, so dispatch offers the request to nobody meanwhile.
 */
export const assignBySql = (t: TestApp, requestId: string, providerId: string) =>
  t.platform.database.pool.query(
    `UPDATE "${t.schema}".service_requests SET provider_id = $2, status = 'assigned', version = version + 1
     WHERE id = $1 AND status = 'searching'`,
    [requestId, providerId],
  );

/** A point in test district `i`: districts are ~22 km apart, beyond the widest search ring (8 km). */
export const district = (i: number) => ({ lat: 29.6 + i * 0.2, lng: 31.2357 });
/** A few hundred metres from a district's centre. */
export const near = (at: { lat: number; lng: number }, i: number) => ({
  lat: at.lat + i * 0.002,
  lng: at.lng + i * 0.001,
});

/** The capabilities of a battery (jump-start) provider. */
export const BATTERY = { serviceTypes: ['battery'], equipment: ['jump_starter'] };

/**
 * An approved, available provider with approved capabilities and (unless `at` is null) a fresh position, as the
 * mechanic app would leave them: declared, approved by an admin, online.
 */
export async function providerAt(
  t: TestApp,
  at: { lat: number; lng: number } | null,
  caps: { serviceTypes: string[]; equipment?: string[]; serviceArea?: unknown; approve?: boolean },
) {
  const provider = await t.driver();
  const { approve = true, ...body } = caps;
  const declared = await t.api('PUT', '/api/v1/providers/me/capabilities', {
    token: provider.accessToken,
    body: { equipment: [], ...body },
  });
  if (declared.status !== 200) throw new Error(`declare failed: ${JSON.stringify(declared.body)}`);
  if (approve) {
    const approved = await t.api('POST', `/api/v1/admin/providers/${provider.id}/capabilities/approve`, {
      token: (await t.admin()).accessToken,
      body: { revision: declared.body.data.revision },
    });
    if (approved.status !== 200) throw new Error(`approve failed: ${JSON.stringify(approved.body)}`);
  }
  if (at) {
    const res = await t.api('POST', '/api/v1/location/update', {
      token: provider.accessToken,
      body: { ...at, timestamp: Date.now() },
    });
    if (res.status !== 200) throw new Error(`location update failed: ${JSON.stringify(res.body)}`);
  }
  return provider;
}

export const respondToRequest = (t: TestApp, provider: TestUser, requestId: string, action: 'accept' | 'decline') =>
  t.api('POST', `/api/v1/service-requests/${requestId}/response`, { token: provider.accessToken, body: { action } });

/** The providers a request has been offered to, sorted. */
export const offeredTo = async (t: TestApp, requestId: string) =>
  (await tripOffers.list(t.platform.database.db, requestId)).map((o) => o.driver_id).sort();
