import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateArgs } from '../../sim/city.js';
import { OVERLOAD_OFF } from '../../support/harness.js';

// Like every test app (support/harness.ts), the sim's server does not shed load here: shedding has its own tests
// (test/ops/overload.test.ts), and a loaded CI box must not turn this city's calls into 503s.
Object.assign(process.env, OVERLOAD_OFF);

// The simulator itself is a tool (npm run sim); this only proves a short city still runs end to end
// against the real server: signup → approval → offers over sockets → accept → OTP → completed.
// A small dense city (1 km around downtown, fast cars, short boarding) so a trip can finish in two simulated minutes.
test('a two-minute city at 6x completes trips and reports every figure', async () => {
  const report = await simulateArgs([
    '--drivers',
    '10',
    '--riders',
    '5',
    '--minutes',
    '2',
    // 6x, not 15x: the city's clock runs whatever the server's latency, and at load ~10 (CI beside other
    // suites) 15x turned 3.6 s of real matching time into 55 simulated seconds: no trip had time to finish.
    '--speed',
    '6',
    '--area-km',
    '1',
    '--boarding',
    '8',
    '--rate',
    '6',
    '--kmh',
    '120',
    '--trip-km',
    '1',
    '--cancel-prob',
    '0',
    '--driver-cancel-prob',
    '0',
    '--seed',
    '3',
    // Rides only: roadside jobs have their own run (roadside.test.ts).
    '--service-share',
    '0',
    '--quiet',
  ]);
  assert.ok(report.requests > 0, 'riders requested trips');
  assert.ok(report.completed >= 1, `at least one trip completed: ${JSON.stringify(report)}`);
  assert.ok(report.matchRate > 0 && report.matchRate <= 1);
  assert.ok(report.timeToMatchS.p50 !== null && report.timeToMatchS.p95 !== null);
  assert.ok(report.pickupDistanceM.p50 !== null && report.pickupDistanceM.p50 >= 0);
  assert.ok(report.utilisation > 0 && report.utilisation <= 1);
  assert.deepEqual(Object.keys(report.cancellations).sort(), ['driver', 'noDrivers', 'rider']);
  assert.deepEqual(report.errors, {}, 'no API call failed');
});
