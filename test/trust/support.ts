/** Shared helpers of the trust suites (not a test file itself). */
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { acceptedTrip, query } from '../support/fixtures.js';

/** A trip through the API from request to `completed` (offered by hand, as dispatch would). */
export async function completedTrip(t: TestApp, rider: TestUser, driver: TestUser): Promise<string> {
  const trip = await acceptedTrip(t, rider, driver);
  const arrived = await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
    token: driver.accessToken,
    body: { status: 'arrived' },
  });
  assert.equal(arrived.status, 200, JSON.stringify(arrived.body));
  const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
  for (const body of [{ status: 'started', otp }, { status: 'completed' }]) {
    const res = await t.api('POST', `/api/v1/trips/${trip.id}/status`, { token: driver.accessToken, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  return trip.id;
}

export const rate = (t: TestApp, user: TestUser, tripId: string, body: unknown) =>
  t.api('POST', `/api/v1/trips/${tripId}/rating`, { token: user.accessToken, body });

/** The driver is free for offers again at once (a finished trip leaves 60 s of cooldown). */
export async function skipCooldown(t: TestApp, driverId: string) {
  await query(
    t,
    `UPDATE $schema.driver_profiles SET state = 'available', cooldown_until = NULL WHERE user_id = $1 AND state = 'cooldown'`,
    [driverId],
  );
}

export async function ratingsOf(t: TestApp, tripId: string) {
  return query<{ rater_id: string; stars: number }>(
    t,
    'SELECT rater_id, stars FROM $schema.trip_ratings WHERE trip_id = $1 ORDER BY rater_id',
    [tripId],
  );
}
