import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalTicks } from '../../src/platform/jobs/local-ticks.js';
import { createLogger } from '../../src/platform/observability/logger.js';

/** Waits (up to 5 s, a loaded CI box) until `done`. */
async function until(done: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!done() && Date.now() < deadline) await sleep(5);
}

describe('local ticks (work each worker node repeats without a job row)', () => {
  test('a tick runs at start, keeps running after a failed run, and stops with the worker', async () => {
    const ticks = new LocalTicks(createLogger('silent'));
    let runs = 0;
    ticks.add('flaky', 20, () => {
      runs++;
      if (runs === 2) throw new Error('database blip');
    });
    ticks.start();
    assert.equal(runs, 1, 'the first run is at start, not one period later');
    await until(() => runs >= 4);
    ticks.stop();
    const stoppedAt = runs;
    assert.ok(stoppedAt >= 4, `the run after the failure and more followed (${stoppedAt} runs)`);
    await sleep(80);
    assert.equal(runs, stoppedAt, 'no run after stop');
  });

  test('a run slower than its period is never overlapped by the next', async () => {
    const ticks = new LocalTicks(createLogger('silent'));
    let open = 0;
    let most = 0;
    let runs = 0;
    ticks.add('slow', 10, async () => {
      runs++;
      most = Math.max(most, ++open);
      await sleep(45);
      open--;
    });
    ticks.start();
    await until(() => runs >= 3);
    ticks.stop();
    assert.ok(runs >= 3, `runs back to back (${runs})`);
    assert.equal(most, 1, 'ticks due during a run are skipped, not stacked');
  });

  test('the same name twice is refused at registration', () => {
    const ticks = new LocalTicks(createLogger('silent'));
    ticks.add('sweep', 1000, () => {});
    assert.throws(() => ticks.add('sweep', 1000, () => {}), /added twice/);
  });
});
