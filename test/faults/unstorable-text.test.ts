/**
 * Text Postgres cannot store — U+0000 anywhere, a lone UTF-16 surrogate in
 * jsonb — is refused at the edge with 400 VALIDATION_ERROR naming the field
 * (HTTP bodies, params, query, stored headers) or an ack VALIDATION_ERROR
 * (socket payloads), never a 500 / INTERNAL, and nothing is written.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket as ClientSocket } from 'socket.io-client';
import { startTestApp, type TestApp, type TestUser, type ApiResponse } from '../../support/harness.js';
import { ack } from '../realtime/support.js';
import { provider, book } from '../bookings/fixtures.js';
import { OWN_OFFERS, acceptedTrip, query } from '../support/fixtures.js';

const LONE = 'x\ud800y';

function assertRefused(res: ApiResponse, field: string) {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'VALIDATION_ERROR');
  assert.deepEqual(
    res.body.error.details.map((d: { field: string }) => d.field),
    [field],
  );
}

describe('unstorable text: lone surrogates and NUL are a 400, not a database 500', () => {
  let t: TestApp;
  let rider: TestUser;
  let driver: TestUser;
  let tripId: string;
  let socket: ClientSocket;

  before(async () => {
    t = await startTestApp('unstorable_text', { ...OWN_OFFERS, DB_POOL_MAX: '5' });
    rider = await t.signup('rider');
    driver = await t.driver();
    tripId = (await acceptedTrip(t, rider, driver)).id;
    socket = await t.connectSocket(rider.accessToken);
  });
  after(async () => t.close());

  test('trip cancel reason with a lone surrogate: 400 body.reason, trip not cancelled', async () => {
    const res = await t.api('POST', `/api/v1/trips/${tripId}/cancel`, {
      token: rider.accessToken,
      body: { reason: LONE },
    });
    assertRefused(res, 'body.reason');
    const [trip] = await query<{ status: string }>(t, 'SELECT status FROM $schema.trips WHERE id = $1', [tripId]);
    assert.equal(trip!.status, 'accepted');
  });

  test('driver profile vehicle.plate / vehicle.make with a lone surrogate: 400, no profile row', async () => {
    const user = await t.signup('driver');
    for (const field of ['plate', 'make']) {
      const vehicle = { make: 'Toyota', model: 'Corolla', plate: 'ABC 123', color: 'white', [field]: LONE };
      const res = await t.api('POST', '/api/v1/drivers/me/profile', {
        token: user.accessToken,
        body: { vehicleClass: 'economy', vehicle },
      });
      assertRefused(res, `body.vehicle.${field}`);
    }
    assert.equal((await query(t, 'SELECT 1 FROM $schema.driver_profiles WHERE user_id = $1', [user.id])).length, 0);
  });

  test('booking status reason and delete reason with a lone surrogate: 400, booking unchanged', async () => {
    const prov = await provider(t);
    const booking = await book(t, rider, prov.id);
    const status = await t.api('POST', `/api/v1/bookings/${booking.id}/status`, {
      token: rider.accessToken,
      body: { status: 'cancelled', reason: LONE },
    });
    assertRefused(status, 'body.reason');
    const del = await t.api('DELETE', `/api/v1/bookings/${booking.id}`, {
      token: rider.accessToken,
      body: { reason: LONE },
    });
    assertRefused(del, 'body.reason');
    const [row] = await query<{ status: string; deleted_at: Date | null }>(
      t,
      'SELECT status, deleted_at FROM $schema.bookings WHERE id = $1',
      [booking.id],
    );
    assert.deepEqual(row, { status: 'pending', deleted_at: null });
  });

  test('message report reason with a lone surrogate: 400, no report', async () => {
    const sent = await t.api('POST', `/api/v1/trips/${tripId}/messages`, {
      token: driver.accessToken,
      body: { text: 'hello', clientMessageId: 'rep-1' },
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const res = await t.api('POST', `/api/v1/messages/${sent.body.data.id}/report`, {
      token: rider.accessToken,
      body: { reason: LONE },
    });
    assertRefused(res, 'body.reason');
    assert.equal(
      (await query(t, 'SELECT 1 FROM $schema.chat_reports WHERE message_id = $1', [sent.body.data.id])).length,
      0,
    );
  });

  test('object keys, query strings and the stored Idempotency-Key header are checked too', async () => {
    const prov = await provider(t);
    const withKey = await t.api('POST', `/api/v1/bookings`, {
      token: rider.accessToken,
      body: { providerId: prov.id, [`k${LONE}`]: 1 },
    });
    assert.equal(withKey.status, 400, JSON.stringify(withKey.body));
    const q = await t.api('GET', '/api/v1/trips?cursor=a%00b', { token: rider.accessToken });
    assertRefused(q, 'query.cursor');
    const keysBefore = await t.count('idempotency_keys');
    for (const key of ['a\u0000b', LONE]) {
      const res = await t.api('POST', '/api/v1/sos', {
        token: rider.accessToken,
        body: { lat: 30.05, lng: 31.24 },
        headers: { 'idempotency-key': key },
      });
      assertRefused(res, 'headers.idempotency-key');
    }
    assert.equal(await t.count('idempotency_keys'), keysBefore);
  });

  test(
    'socket chat:send with NUL in clientMessageId or a lone surrogate in text: ack VALIDATION_ERROR, nothing ' +
      'stored',
    async () => {
      const before = await t.count('chat_messages');
      const nul = await ack(socket, 'chat:send', { tripId, text: 'hi', clientMessageId: 'a\u0000b' });
      assert.equal(nul.ok, false);
      assert.equal(nul.error!.code, 'VALIDATION_ERROR', JSON.stringify(nul));
      assert.deepEqual(
        (nul.error!.details as Array<{ field: string }>).map((d) => d.field),
        ['payload.clientMessageId'],
      );
      const lone = await ack(socket, 'chat:send', { tripId, text: LONE, clientMessageId: 'lone-1' });
      assert.equal(lone.error?.code, 'VALIDATION_ERROR', JSON.stringify(lone));
      assert.equal(await t.count('chat_messages'), before);
    },
  );

  test('socket sos:trigger with NUL in note: ack VALIDATION_ERROR, no alert', async () => {
    const before = await t.count('sos_alerts');
    const res = await ack(socket, 'sos:trigger', { lat: 30.05, lng: 31.24, note: 'help\u0000me' });
    assert.equal(res.ok, false);
    assert.equal(res.error!.code, 'VALIDATION_ERROR', JSON.stringify(res));
    assert.deepEqual(
      (res.error!.details as Array<{ field: string }>).map((d) => d.field),
      ['payload.note'],
    );
    assert.equal(await t.count('sos_alerts'), before);
  });
});
