/** Shared setup of the strategies suites (strategies, candidates): dispatch at 1/5 of real time; not a test file. */
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { PICKUP, northOf, requestTrip } from './support.js';

// Rounds at 1/5 of real time: sequential 2 s, first_accept 3 s, broadcast 6 s + 6 s selection. At 1/10 (1 s
// rounds) "at once" and "after the round" were too close to tell apart: a decline's next offer once came 1,022 ms
// later in CI (Node 24 + Redis phase).
const TIME_SCALE = '0.2';
export const SEQUENTIAL_ROUND_MS = 2_000;
/** Well inside a round: what "at once" means here. */
export const AT_ONCE_MS = 1_400;

/** The app with dispatch rounds scaled and the job runner (later rounds are jobs) started. */
export async function startScaledDispatchApp(name: string): Promise<TestApp> {
  const t = await startTestApp(name, { DISPATCH_TIME_SCALE: TIME_SCALE });
  await t.platform.jobs.start();
  return t;
}

/** Each test works in its own district so drivers of one never qualify for another. */
let district = 0;
export const nextDistrict = () => ({ lat: PICKUP.lat + 0.3 * ++district, lng: PICKUP.lng });

export const tripAt = (
  t: TestApp,
  rider: TestUser,
  pickup: { lat: number; lng: number },
  body: Record<string, unknown> = {},
) => requestTrip(t, rider, { pickup, dropoff: northOf(pickup, 5_000), ...body });
