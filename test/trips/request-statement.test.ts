/**
 * Issue 22.1: a trip and its `trip.requested` event are written by one statement (events.repo appendEventWith), and
 * a change and its event stay all-or-nothing.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { appendEventWith } from '../../src/platform/events/events.repo.js';

const BODY = {
  pickup: { lat: 30.0444, lng: 31.2357 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
  vehicleClass: 'economy',
  paymentMethod: 'cash',
};

describe('a trip and its event in one statement', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('trip_request_statement', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
  });
  after(async () => t.close());

  const eventsOf = async (aggregateId: string) =>
    (
      await t.platform.database.pool.query(
        `SELECT type, seq, payload FROM "${t.schema}".events WHERE aggregate_id = $1 ORDER BY seq`,
        [aggregateId],
      )
    ).rows;

  test('the event names the stored trip, with seq 1, and the rider gets the trip the event describes', async () => {
    const rider = await t.signup('rider');
    const res = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: BODY });
    assert.equal(res.status, 201);
    const trip = res.body.data;
    const events = await eventsOf(trip.id);
    assert.equal(events.length, 1);
    assert.deepEqual({ type: events[0].type, seq: events[0].seq }, { type: 'trip.requested', seq: 1 });
    assert.deepEqual(events[0].payload, {
      tripId: trip.id,
      riderId: rider.id,
      status: 'searching',
      vehicleClass: 'economy',
      strategy: trip.strategy,
    });
  });

  test('a refused second request (one active trip per rider) leaves no event and no trip behind', async () => {
    const rider = await t.signup('rider');
    assert.equal((await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: BODY })).status, 201);
    const before = await t.count('events');
    const again = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: BODY });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'CONFLICT');
    assert.equal(await t.count('events'), before);
    const trips = await t.platform.database.pool.query(`SELECT 1 FROM "${t.schema}".trips WHERE rider_id = $1`, [
      rider.id,
    ]);
    assert.equal(trips.rowCount, 1);
  });

  test('a write that changes no row stores no event, even outside a transaction, and throws', async () => {
    const db = t.platform.database.db;
    const before = await t.count('events');
    const missing = '00000000-0000-4000-8000-000000000000';
    const event = {
      type: 'trip.requested' as const,
      aggregateType: 'trip',
      aggregateId: missing,
      actorId: null,
      payload: { tripId: missing, riderId: missing, status: 'searching', vehicleClass: 'economy', strategy: 'x' },
    };
    const write = sql`UPDATE trips SET updated_at = now() WHERE id = ${missing} RETURNING *`;
    await assert.rejects(appendEventWith(db, event as never, write), /0 rows written/);
    assert.equal(await t.count('events'), before);
  });
});
