import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SERVICE_STATUSES, type ServiceStatus } from './service-requests.repo.js';
import { OPEN_STATUSES, isOpen, judgeMove, movesFrom, type ServiceActor } from './service-lifecycle.js';

const ACTORS: ServiceActor[] = ['customer', 'provider', 'admin', 'system'];
const status = fc.constantFrom(...SERVICE_STATUSES);
const actor = fc.constantFrom(...ACTORS);

test('a customer can only ever cancel or decline a quote; nothing moves a closed request', () => {
  fc.assert(
    fc.property(status, status, actor, (from, to, who) => {
      const verdict = judgeMove(from, to, who);
      if (!isOpen(from)) assert.notEqual(verdict, 'ok');
      if (who === 'customer' && verdict === 'ok') assert.ok(to === 'cancelled' || to === 'declined_quote');
    }),
  );
});

test('any walk of allowed moves that completes passed arrival, a quote and work in progress, in that order', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), actor), { maxLength: 30 }), (steps) => {
      let at: ServiceStatus = 'searching';
      const path: ServiceStatus[] = [at];
      for (const [pick, who] of steps) {
        const options = movesFrom(at, who);
        if (options.length === 0) continue;
        at = options[pick % options.length]!;
        path.push(at);
      }
      if (at !== 'completed') return;
      const idx = (s: ServiceStatus) => path.indexOf(s);
      assert.ok(idx('assigned') < idx('arrived') && idx('arrived') < idx('quoted'));
      assert.ok(idx('quoted') < idx('in_progress') && idx('in_progress') < idx('completed'));
    }),
  );
});

test('work in progress is stopped by an admin only; the open statuses are the non-terminal ones', () => {
  assert.equal(judgeMove('in_progress', 'cancelled', 'customer'), 'invalid_transition');
  assert.equal(judgeMove('searching', 'en_route', 'customer'), 'not_allowed_actor');
  assert.equal(judgeMove('in_progress', 'cancelled', 'admin'), 'ok');
  assert.equal(judgeMove('assigned', 'arrived', 'provider'), 'invalid_transition', 'no skipping the drive');
  for (const s of SERVICE_STATUSES)
    assert.equal(
      isOpen(s),
      ACTORS.some((a) => movesFrom(s, a).length > 0),
      s,
    );
  assert.deepEqual([...OPEN_STATUSES].sort(), SERVICE_STATUSES.filter(isOpen).sort());
});
