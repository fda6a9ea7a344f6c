/** Issue 16 point 8: "what is my current trip" agrees with the database for both sides, even after a node dies. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { acceptedTrip, offer, query, requestTrip } from '../support/fixtures.js';

const PAIRS = 24;
const KILL_AFTER_COMMITTED = 6;

describe('GET /me/active-trip', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('active_trip', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
  });
  after(async () => t.close());

  const activeTrip = (user: TestUser) => t.api('GET', '/api/v1/me/active-trip', { token: user.accessToken });

  test('rider and driver see the same current trip; none is 204; admins 403', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    assert.equal((await activeTrip(rider)).status, 204);
    assert.equal((await activeTrip(driver)).status, 204);
    const trip = await acceptedTrip(t, rider, driver);
    const [r, d] = [await activeTrip(rider), await activeTrip(driver)];
    assert.equal(r.status, 200);
    assert.equal(d.status, 200);
    assert.equal(r.body.data.id, trip.id);
    assert.equal(d.body.data.id, trip.id);
    assert.equal(r.body.data.driverId, driver.id);
    assert.equal(d.body.data.otp, undefined, 'the driver never sees the OTP');
    await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, { token: rider.accessToken, body: { reason: 'changed' } });
    assert.equal((await activeTrip(rider)).status, 204);
    assert.equal((await activeTrip(driver)).status, 204);
    assert.equal((await activeTrip(await t.admin())).status, 403);
    assert.equal((await t.api('GET', '/api/v1/me/active-trip')).status, 401);
  });

  test('a node killed mid-accept leaves nobody believing in a trip the other side does not have', async () => {
    const pairs: Array<{ rider: TestUser; driver: TestUser; tripId: string }> = [];
    for (let i = 0; i < PAIRS; i++) {
      const [rider, driver] = await Promise.all([t.signup('rider'), t.driver()]);
      const trip = await requestTrip(t, rider);
      await offer(t, trip.id, [driver.id], 10 * 60_000);
      pairs.push({ rider, driver, tripId: trip.id });
    }
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/trips/support/accept-child.ts'], {
      env: { ...process.env, DB_SCHEMA: t.schema, PAIRS: pairs.map((p) => `${p.tripId}:${p.driver.id}`).join(',') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    let acknowledged = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      acknowledged = Number(/^committed (\d+)$/.exec(line)?.[1] ?? acknowledged);
      if (acknowledged >= KILL_AFTER_COMMITTED || line === 'done') {
        child.kill('SIGKILL');
        break;
      }
    }
    assert.equal(await exited, 'SIGKILL');

    let matched = 0;
    for (const { rider, driver, tripId } of pairs) {
      const [r, d] = [await activeTrip(rider), await activeTrip(driver)];
      assert.equal(r.status, 200, 'the rider always still has their trip');
      assert.equal(r.body.data.id, tripId);
      const [row] = await query<{ state: string }>(t, 'SELECT state FROM $schema.driver_profiles WHERE user_id = $1', [
        driver.id,
      ]);
      const state = row!.state;
      if (r.body.data.status === 'accepted') {
        matched++;
        assert.equal(r.body.data.driverId, driver.id);
        assert.equal(d.status, 200, 'the matched driver knows it');
        assert.equal(d.body.data.id, tripId);
        assert.equal(state, 'busy');
      } else {
        assert.equal(r.body.data.status, 'searching');
        assert.equal(r.body.data.driverId, null);
        assert.equal(d.status, 204, 'an unmatched driver holds no trip');
        assert.notEqual(state, 'busy', 'and is not busy with a ghost');
      }
    }
    assert.ok(matched >= acknowledged, `every acknowledged accept is durable (${matched} ≥ ${acknowledged})`);
    process.stdout.write(`# sigkill mid-accept: ${acknowledged} acknowledged, ${matched} matched of ${PAIRS}\n`);
  });
});
