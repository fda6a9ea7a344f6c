/**
 * Bad input on the trip routes: out-of-range coordinates, unknown enum values,
 * bad ids, bad pagination, malformed steps. Each gets its 4xx and nothing is
 * written anywhere (the runner: bad-input-support.ts).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TRIP_BODY } from '../support/fixtures.js';
import { HUGE, runCases, startBadInputApp, type BadInputApp, type Case, type Who } from './bad-input-support.js';

const at = (lat: unknown, lng: unknown) => ({ ...TRIP_BODY, pickup: { lat, lng } });

function tripCases(tripId: string): Case[] {
  const create = (body: unknown, name: string): Case => ({
    name: `create ${name}`,
    method: 'POST',
    path: '/api/v1/trips',
    who: 'rider',
    body,
    status: 400,
  });
  const list = (qs: string): Case => ({
    name: `list ?${qs}`,
    method: 'GET',
    path: `/api/v1/trips?${qs}`,
    who: 'rider',
    status: 400,
  });
  const onTrip = (suffix: string, who: Who, body: unknown, name: string, id = tripId): Case => ({
    name,
    method: 'POST',
    path: `/api/v1/trips/${id}/${suffix}`,
    who,
    body,
    status: 400,
  });
  return [
    create(at(91, 31.2), 'lat 91'),
    create(at(-90.0001, 31.2), 'lat -90.0001'),
    create(at(30, -181), 'lng -181'),
    create(at(30, 180.5), 'lng 180.5'),
    create(at(0, 0), '(0,0)'),
    create(at('30.04', 31.2), 'lat as string'),
    create(at(null, 31.2), 'lat null'),
    create({ ...TRIP_BODY, dropoff: undefined }, 'missing dropoff'),
    create({ ...TRIP_BODY, pickup: [30, 31] }, 'pickup as array'),
    create({ ...TRIP_BODY, vehicleClass: 'spaceship' }, 'unknown vehicle class'),
    create({ ...TRIP_BODY, paymentMethod: 'bitcoin' }, 'unknown payment method'),
    create({ ...TRIP_BODY, strategy: 'auction' }, 'unknown strategy'),
    create({ ...TRIP_BODY, scheduledAt: 'tomorrow' }, 'scheduledAt not ISO'),
    create({ ...TRIP_BODY, scheduledAt: '2020-01-01T00:00:00Z' }, 'scheduledAt in the past'),
    create(
      { ...TRIP_BODY, scheduledAt: new Date(Date.now() + 365 * 86_400_000).toISOString() },
      'scheduledAt a year ahead',
    ),
    create({ ...TRIP_BODY, pickup: { ...TRIP_BODY.pickup, address: HUGE } }, '10,000-char address'),
    create({ ...TRIP_BODY, quoteId: HUGE }, 'huge quoteId'),
    {
      ...create(undefined, 'lat 1e400 (Infinity once parsed)'),
      rawBody: JSON.stringify(TRIP_BODY).replace('"lat":30.0444', '"lat":1e400'),
    },
    list('limit=0'),
    list('limit=101'),
    list('limit=-1'),
    list('limit=1.5'),
    list('limit=abc'),
    list('status=flying'),
    list('cursor=garbage'),
    { name: 'get bad uuid', method: 'GET', path: '/api/v1/trips/123', who: 'rider', status: 400 },
    { name: 'get unknown trip', method: 'GET', path: `/api/v1/trips/${randomUUID()}`, who: 'rider', status: 404 },
    onTrip('driver-response', 'driver', { action: 'maybe' }, 'driver-response unknown action'),
    onTrip('driver-response', 'driver', { action: 'accept', bidAmount: -5 }, 'driver-response negative bid'),
    onTrip('driver-response', 'driver', { action: 'accept', bidAmount: 'ten' }, 'driver-response bid as string'),
    onTrip('driver-response', 'driver', { action: 'accept' }, 'driver-response bad uuid', 'nope'),
    {
      ...onTrip('driver-response', 'driver', { action: 'accept' }, 'driver-response never offered', randomUUID()),
      status: 403,
      code: 'FORBIDDEN',
    },
    onTrip('status', 'driver', { status: 'flying' }, 'status unknown value'),
    onTrip('status', 'driver', { status: 'started', otp: '12345' }, 'status 5-digit otp'),
    onTrip('status', 'driver', { status: 'started', otp: 1234 }, 'status otp as number'),
    onTrip('status', 'driver', {}, 'status missing'),
    onTrip('cancel', 'rider', { reason: '' }, 'cancel empty reason'),
    onTrip('cancel', 'rider', { reason: HUGE }, 'cancel 10,000-char reason'),
    onTrip('cancel', 'rider', {}, 'cancel missing reason'),
    onTrip('cancel', 'rider', { reason: 42 }, 'cancel reason as number'),
    onTrip('cancel-search', 'rider', undefined, 'cancel-search bad uuid', 'not-a-trip'),
  ];
}

describe('bad input on trip routes is refused and writes nothing', () => {
  let app: BadInputApp;
  before(async () => {
    app = await startBadInputApp('bad_input_trips');
  });
  after(async () => app.t.close());

  const run = (cases: Case[]) => runCases(app, cases);

  test('trip routes', async () => run(tripCases(app.tripId)));

  test('a validation error names the offending fields', async () => {
    const res = await app.t.api('POST', '/api/v1/trips', {
      token: app.tokens.rider.accessToken,
      body: { ...TRIP_BODY, pickup: { lat: 91, lng: -181 }, vehicleClass: 'bus' },
    });
    assert.equal(res.status, 400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    for (const f of ['body.pickup.lat', 'body.pickup.lng', 'body.vehicleClass'])
      assert.ok(fields.includes(f), `${f} in ${fields}`);
  });
});
