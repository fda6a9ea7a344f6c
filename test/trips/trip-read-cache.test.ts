/**
 * Issue 22.2: GET /trips/:id may be answered from a node's kept trip rows (memory mode), but never with a state
 * older than one the client could already know: not after its own change, not after another node's, and never
 * going back while changes and reads race.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { startSecondNode, startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { acceptedTrip } from '../support/fixtures.js';

const CHANGES = 12;
const READERS = 4;

describe('GET /trips/:id after changes', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('trip_read_cache', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
  });
  after(async () => t.close());

  const readTrip = async (user: TestUser, tripId: string) => {
    const res = await t.api('GET', `/api/v1/trips/${tripId}`, { token: user.accessToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { status: string; version: number; dropoff: { lat: number } };
  };
  const changeDestination = async (rider: TestUser, tripId: string, lat: number) => {
    const res = await t.api('POST', `/api/v1/trips/${tripId}/destination`, {
      token: rider.accessToken,
      body: { dropoff: { lat, lng: 31.25 } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { version: number };
  };

  test("the rider's next read shows the change the rider just made, and a cancel", async () => {
    const [rider, driver] = await Promise.all([t.signup('rider'), t.driver()]);
    const trip = await acceptedTrip(t, rider, driver);
    const before = await readTrip(rider, trip.id);
    await readTrip(rider, trip.id);
    const changed = await changeDestination(rider, trip.id, 30.07);
    const after = await readTrip(rider, trip.id);
    assert.equal(after.version, changed.version);
    assert.ok(after.version > before.version);
    assert.equal(after.dropoff.lat, 30.07);
    await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, { token: rider.accessToken, body: { reason: 'changed' } });
    assert.equal((await readTrip(driver, trip.id)).status, 'cancelled');
  });

  test("another node's change shows on this node's very next read", async () => {
    const b = await startSecondNode(t);
    try {
      const [rider, driver] = await Promise.all([t.signup('rider'), t.driver()]);
      const trip = await acceptedTrip(t, rider, driver);
      const onB = async () => {
        const res = await b.app.http.inject({
          method: 'GET',
          url: `/api/v1/trips/${trip.id}`,
          headers: { authorization: `Bearer ${rider.accessToken}` },
        });
        return JSON.parse(res.body).data as { version: number; dropoff: { lat: number } };
      };
      await onB();
      await onB();
      const changed = await changeDestination(rider, trip.id, 30.08);
      const seen = await onB();
      assert.equal(seen.version, changed.version);
      assert.equal(seen.dropoff.lat, 30.08);
    } finally {
      await b.close();
    }
  });

  test('while changes and reads race, no reader sees a version lower than one it saw', async () => {
    const [rider, driver] = await Promise.all([t.signup('rider'), t.driver()]);
    const trip = await acceptedTrip(t, rider, driver);
    let writing = true;
    const reader = async () => {
      let highest = 0;
      while (writing) {
        const { version } = await readTrip(rider, trip.id);
        assert.ok(version >= highest, `read version ${version} after having seen ${highest}`);
        highest = version;
        // A kept row answers inject() without any I/O: yield, as a client's next request over a socket would.
        await nextTurn();
      }
    };
    const writer = async () => {
      try {
        for (let i = 1; i <= CHANGES; i++) {
          const { version } = await changeDestination(rider, trip.id, 30 + i / 100);
          const next = await readTrip(driver, trip.id);
          assert.ok(next.version >= version, `read version ${next.version} right after writing ${version}`);
        }
      } finally {
        writing = false;
      }
    };
    await Promise.all([writer(), ...Array.from({ length: READERS }, reader)]);
  });
});
