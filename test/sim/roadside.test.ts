import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateArgs } from '../../sim/city.js';
import { buildScenario } from '../../sim/scenario.js';
import { formatReport } from '../../sim/stats.js';
import { OVERLOAD_OFF } from '../../support/harness.js';

// Like every test app (support/harness.ts), the sim's server does not shed load here: shedding has its own tests
// (test/ops/overload.test.ts), and a loaded CI box must not turn this city's calls into 503s.
Object.assign(process.env, OVERLOAD_OFF);

// Issue 18 proof: `npm run sim` gains roadside jobs in the same city. Half the drivers declare capabilities the
// admin approves; half the requests ask for roadside help. A job goes offer → accept → en_route (the provider
// streams mechanic:location_update) → arrived → quote → the customer approves → in_progress → proof photo →
// completed with the customer's code. Six simulated minutes at 8x (≈ 45 s): the first roadside request comes
// at 8 simulated s (seed 1), and a job needs about two simulated minutes even when each HTTP call takes a
// real second on a loaded box.
test('a city with --service-share 0.5 completes roadside jobs and reports their time to assignment and arrival', async () => {
  const report = await simulateArgs([
    ...['--drivers', '8', '--riders', '4', '--minutes', '6', '--speed', '8', '--rate', '3', '--seed', '1'],
    ...['--area-km', '1', '--kmh', '120', '--trip-km', '1', '--boarding', '8'],
    ...['--cancel-prob', '0', '--driver-cancel-prob', '0', '--decline', '0'],
    ...['--service-share', '0.5', '--provider-share', '0.5', '--service-work', '20', '--quiet'],
  ]);
  const roadside = report.roadside;
  const seen = JSON.stringify(report);
  assert.ok(report.requests > 0, `riders still request rides next to the roadside jobs: ${seen}`);
  assert.ok(roadside.requested > 0, `customers asked for roadside help: ${seen}`);
  assert.ok(roadside.assigned >= 1 && roadside.assigned <= roadside.requested, seen);
  assert.ok(roadside.completed >= 1, `at least one roadside job completed: ${seen}`);
  assert.ok(roadside.offers.accepted >= roadside.assigned, 'every assignment was a provider’s accepted offer');
  const { timeToAssignmentS: assign, timeToArrivalS: arrival } = roadside;
  assert.ok(assign.p50 !== null && assign.p95 !== null && assign.p50 > 0 && assign.p95 >= assign.p50, seen);
  // A provider reacts (≥ 1 simulated s) before accepting, and drives before arriving.
  assert.ok(arrival.p50 !== null && arrival.p95 !== null && arrival.p50 > 0 && arrival.p95 >= arrival.p50, seen);
  assert.deepEqual(report.errors, {}, 'no API call failed');

  const printed = formatReport(report);
  assert.match(printed, /roadside jobs +\d+ requested .*\d+ assigned, \d+ completed/);
  assert.match(printed, /roadside wait +assignment p50 [\d.]+ s, p95 [\d.]+ s; arrival p50 [\d.]+ s, p95 [\d.]+ s/);
});

test('--service-share picks which requests are roadside jobs; the seed still gives the same places and times', () => {
  const plan = (serviceShare: number) =>
    buildScenario({
      seed: 7,
      drivers: 5,
      ratePerMin: 4,
      minutes: 30,
      cancelProb: 0.3,
      medianTripM: 3_000,
      serviceShare,
    });
  const [none, some, all] = [plan(0), plan(0.3), plan(1)];
  assert.ok(none.requests.length > 50);
  assert.equal(none.requests.filter((r) => r.service).length, 0);
  assert.ok(all.requests.every((r) => r.service));
  const share = some.requests.filter((r) => r.service).length / some.requests.length;
  assert.ok(share > 0.1 && share < 0.5, `about 30 % roadside, got ${share}`);
  assert.ok(new Set(all.requests.map((r) => r.service)).size >= 5, 'the service types are all drawn');
  const where = (s: typeof none) => s.requests.map((r) => [r.atMs, r.pickup, r.dropoff, r.cancelAfterMs]);
  assert.deepEqual(where(some), where(none));
});
