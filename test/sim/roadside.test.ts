import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateArgs } from '../../sim/city.js';
import { formatReport } from '../../sim/stats.js';

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
  assert.ok(arrival.p50 !== null && arrival.p95 !== null && arrival.p95 >= arrival.p50, seen);
  assert.ok(arrival.p50 > assign.p50, 'a provider arrives after being assigned, not before');
  assert.deepEqual(report.errors, {}, 'no API call failed');

  const printed = formatReport(report);
  assert.match(printed, /roadside jobs +\d+ requested .*\d+ assigned, \d+ completed/);
  assert.match(printed, /roadside wait +assignment p50 [\d.]+ s, p95 [\d.]+ s; arrival p50 [\d.]+ s, p95 [\d.]+ s/);
});
