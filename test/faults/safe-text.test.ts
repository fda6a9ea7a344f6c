/**
 * Names and free text go into SMS and e-mail: bidi overrides/isolates and
 * control characters are refused (400, nothing written); multi-line free
 * text (chat, notes) keeps its line breaks.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, randomPhone, type TestApp, type ApiResponse } from '../../support/harness.js';
import { OWN_OFFERS, acceptedTrip, query } from '../support/fixtures.js';

function assertRefused(res: ApiResponse, field: string) {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'VALIDATION_ERROR');
  assert.ok(
    res.body.error.details.some((d: { field: string }) => d.field === field),
    JSON.stringify(res.body.error.details),
  );
}

describe('safe names and free text', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('safe_text', { ...OWN_OFFERS, DB_POOL_MAX: '5' });
  });
  after(async () => t.close());

  test('signup with a bidi override or a control character in the name: 400, no user', async () => {
    const before = await t.count('users');
    for (const name of ['\u202Eevil', 'Rana\u2066Adel', 'Rana\u0007', 'Rana\nAdel']) {
      const res = await t.api('POST', '/api/v1/auth/signup', {
        body: { phone: randomPhone(), password: 'password-123', name, role: 'rider' },
      });
      assertRefused(res, 'body.name');
    }
    assert.equal(await t.count('users'), before);
  });

  test('driver profile with a bidi override in vehicle make or plate: 400, no profile', async () => {
    const user = await t.signup('driver');
    for (const [field, value] of [
      ['make', '\u202EatoyoT'],
      ['plate', 'ABC\u202D123'],
    ]) {
      const vehicle = { make: 'Toyota', model: 'Corolla', plate: 'ABC 123', color: 'white', [field!]: value };
      assertRefused(
        await t.api('POST', '/api/v1/drivers/me/profile', {
          token: user.accessToken,
          body: { vehicleClass: 'economy', vehicle },
        }),
        `body.vehicle.${field}`,
      );
    }
    assert.equal((await query(t, 'SELECT 1 FROM $schema.driver_profiles WHERE user_id = $1', [user.id])).length, 0);
  });

  test('reasons, notes and contact names refuse bidi and C1 controls; notes and chat keep \\n', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    assertRefused(
      await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
        token: rider.accessToken,
        body: { reason: 'late\u202E' },
      }),
      'body.reason',
    );
    assertRefused(
      await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
        token: rider.accessToken,
        body: { reason: 'late\u0085' },
      }),
      'body.reason',
    );
    const contacts = await t.api('PUT', '/api/v1/me/emergency-contacts', {
      token: rider.accessToken,
      body: { contacts: [{ name: 'Mum\u2067', phone: '+201001234567' }] },
    });
    assert.equal(contacts.status, 400, JSON.stringify(contacts.body));

    const chat = await t.api('POST', `/api/v1/trips/${trip.id}/messages`, {
      token: rider.accessToken,
      body: { text: 'at the gate\nblue car', clientMessageId: 'nl-1' },
    });
    assert.equal(chat.status, 201, JSON.stringify(chat.body));
    assert.equal(chat.body.data.text, 'at the gate\nblue car');
    const sos = await t.api('POST', '/api/v1/sos', {
      token: rider.accessToken,
      body: { tripId: trip.id, lat: 30.05, lng: 31.24, note: 'driver stopped\nnot answering' },
    });
    assert.equal(sos.status, 201, JSON.stringify(sos.body));
    const [stored] = await query<{ note: string }>(t, 'SELECT note FROM $schema.sos_alerts WHERE id = $1', [
      sos.body.data.alertId,
    ]);
    assert.equal(stored!.note, 'driver stopped\nnot answering');
    const [row] = await query<{ status: string }>(t, 'SELECT status FROM $schema.trips WHERE id = $1', [trip.id]);
    assert.equal(row!.status, 'accepted', 'the refused cancels changed nothing');
  });
});
