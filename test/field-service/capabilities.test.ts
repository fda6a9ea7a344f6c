import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { providerCapabilities } from '../../src/modules/providers/index.js';
import { spot } from './support.js';

describe('provider capabilities: declare, approve, re-approve after a change (issue 18 #2)', () => {
  let t: TestApp;
  let admin: TestUser;

  before(async () => {
    t = await startTestApp('capabilities', LEDGER_TEST_ENV);
    admin = await t.admin();
  });
  after(() => t.close());

  const declare = (who: TestUser, body: unknown) =>
    t.api('PUT', '/api/v1/providers/me/capabilities', { token: who.accessToken, body });
  const approve = (providerId: string, revision: number) =>
    t.api('POST', `/api/v1/admin/providers/${providerId}/capabilities/approve`, {
      token: admin.accessToken,
      body: { revision },
    });
  const servable = (ids: string[], serviceType: 'tow' | 'battery', at = spot(0)) =>
    providerCapabilities.ableToServe(t.platform.database.db, { providerIds: ids, serviceType, point: at });

  test('a declaration is pending until an admin approves that revision; only then can it be served', async () => {
    const provider = await t.signup('driver');
    const body = { serviceTypes: ['battery', 'tyre'], equipment: ['jump_starter', 'tyre_kit'] };
    const declared = await declare(provider, body);
    assert.equal(declared.status, 200, JSON.stringify(declared.body));
    assert.deepEqual([declared.body.data.status, declared.body.data.revision], ['pending', 1]);
    assert.equal((await servable([provider.id], 'battery')).size, 0, 'pending: not dispatched');

    const approved = await approve(provider.id, 1);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.data.status, 'approved');
    assert.deepEqual([...(await servable([provider.id], 'battery'))], [provider.id]);
    assert.equal((await servable([provider.id], 'tow')).size, 0, 'no tow skill, no tow job');

    const same = await declare(provider, {
      equipment: ['tyre_kit', 'jump_starter'],
      serviceTypes: ['tyre', 'battery'],
    });
    assert.deepEqual([same.body.data.status, same.body.data.revision], ['approved', 1], 'the same declaration again');
  });

  test('a change needs approval again; approving the outdated revision is 409', async () => {
    const provider = await t.signup('driver');
    await declare(provider, { serviceTypes: ['battery'], equipment: ['jump_starter'] });
    assert.equal((await approve(provider.id, 1)).status, 200);
    const changed = await declare(provider, {
      serviceTypes: ['battery', 'tow'],
      equipment: ['jump_starter', 'tow_truck'],
    });
    assert.deepEqual([changed.body.data.status, changed.body.data.revision], ['pending', 2]);
    assert.equal((await servable([provider.id], 'battery')).size, 0, 'nothing is offered while the change waits');

    const stale = await approve(provider.id, 1);
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'CONFLICT');
    assert.equal((await approve(provider.id, 2)).status, 200);
    assert.equal((await approve(provider.id, 2)).status, 200, 'approving twice is harmless');
    assert.equal((await servable([provider.id], 'tow')).size, 1);
  });

  test('service area: a radius or a polygon keeps the provider to jobs inside it', async () => {
    const [ringed, fenced, anywhere] = await Promise.all([t.signup('driver'), t.signup('driver'), t.signup('driver')]);
    const center = spot(0);
    await declare(ringed, { serviceTypes: ['battery'], serviceArea: { center, radiusM: 2_000 } });
    const square = [
      { lat: center.lat - 0.01, lng: center.lng - 0.01 },
      { lat: center.lat - 0.01, lng: center.lng + 0.01 },
      { lat: center.lat + 0.01, lng: center.lng + 0.01 },
      { lat: center.lat + 0.01, lng: center.lng - 0.01 },
    ];
    const poly = await declare(fenced, { serviceTypes: ['battery'], serviceArea: { polygon: square } });
    assert.deepEqual(poly.body.data.serviceArea, { polygon: square }, 'the polygon reads back as declared');
    await declare(anywhere, { serviceTypes: ['battery'] });
    for (const p of [ringed, fenced, anywhere]) assert.equal((await approve(p.id, 1)).status, 200);

    const ids = [ringed.id, fenced.id, anywhere.id];
    assert.equal((await servable(ids, 'battery', center)).size, 3);
    // ~5.5 km north: outside the 2 km ring and the ~1.1 km square.
    const far = { lat: center.lat + 0.05, lng: center.lng };
    assert.deepEqual([...(await servable(ids, 'battery', far))], [anywhere.id]);
    // ~1.6 km east: inside the ring, outside the square.
    const east = { lat: center.lat, lng: center.lng + 0.0165 };
    assert.deepEqual([...(await servable(ids, 'battery', east))].sort(), [ringed.id, anywhere.id].sort());
  });

  test('bad declarations are 400 and store nothing; riders cannot declare, providers cannot approve', async () => {
    const provider = await t.signup('driver');
    const before = await t.count('provider_capabilities');
    const bad: unknown[] = [
      { serviceTypes: ['tow'], equipment: [] },
      { serviceTypes: ['plumbing'] },
      { serviceTypes: [] },
      { serviceTypes: ['battery', 'battery'] },
      { serviceTypes: ['battery'], equipment: ['laser'] },
      { serviceTypes: ['battery'], serviceArea: { polygon: [spot(0), spot(1)] } },
      { serviceTypes: ['battery'], serviceArea: { center: spot(0), radiusM: 5 } },
    ];
    for (const body of bad) {
      const res = await declare(provider, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const rider = await t.signup('rider');
    assert.equal((await declare(rider, { serviceTypes: ['battery'] })).status, 403);
    assert.equal(await t.count('provider_capabilities'), before);
    await declare(provider, { serviceTypes: ['battery'] });
    const selfApprove = await t.api('POST', `/api/v1/admin/providers/${provider.id}/capabilities/approve`, {
      token: provider.accessToken,
      body: { revision: 1 },
    });
    assert.equal(selfApprove.status, 403);
  });
});
