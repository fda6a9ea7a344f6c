/** Helpers of the console suites (not a test file itself); staffUser lives in support/ (bench:console uses it). */
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { staffUser } from '../../support/staff.js';
import { OWN_OFFERS } from '../support/fixtures.js';

export { staffUser };

export interface FleetAdminApp {
  t: TestApp;
  dispatcher: TestUser;
  support: TestUser;
  finance: TestUser;
}

/**
 * The app of the fleet API suites (fleet-admin, fleet-drivers): offers placed by the tests, an SOS escalation a
 * minute away with a fast trail, jobs running, and one staff user of each role they check.
 */
export async function startFleetAdminApp(name: string): Promise<FleetAdminApp> {
  const t = await startTestApp(name, {
    ...OWN_OFFERS,
    SOS_ESCALATION_MS: '60000',
    SOS_ESCALATION_REPEAT_MS: '60000',
    SOS_TRACK_INTERVAL_MS: '200',
  });
  await t.platform.jobs.start();
  const [dispatcher, support, finance] = await Promise.all([
    staffUser(t, ['dispatcher']),
    staffUser(t, ['support']),
    staffUser(t, ['finance']),
  ]);
  return { t, dispatcher, support, finance };
}
