/**
 * Nodes remember sessions they have seen alive (no `sessions` read per
 * request), yet an ended session stops working on every node: Postgres
 * announces it (migration 0013) however it ended.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startSecondNode, startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import type { App } from '../../src/app.js';
import { query } from '../support/fixtures.js';

/** Far more than a NOTIFY takes; a node that never hears of it keeps answering 200 for the whole cache TTL (60 s). */
const PROPAGATION_BUDGET_MS = 2_000;

/** Statements this process sends that read `sessions` (every pg client's query, counted and passed on unchanged). */
function countSessionReads() {
  const original = pg.Client.prototype.query;
  let count = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (typeof args[0] === 'string' && /from "sessions"/i.test(args[0])) count++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return { count: () => count, stop: () => void (pg.Client.prototype.query = original) };
}

describe('session liveness across nodes', () => {
  let a: TestApp;
  let b: Awaited<ReturnType<typeof startSecondNode>>;

  const meOn = async (app: App, token: string) =>
    (await app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } }))
      .statusCode;

  /** Milliseconds until node `app` answers 401 for the token, or Infinity after the budget. */
  async function timeUntilRefused(app: App, token: string): Promise<number> {
    const started = Date.now();
    while (Date.now() - started <= PROPAGATION_BUDGET_MS) {
      if ((await meOn(app, token)) === 401) return Date.now() - started;
      await sleep(10);
    }
    return Infinity;
  }

  /** A user whose session both nodes have already seen alive (so both have it cached). */
  async function userSeenByBothNodes(): Promise<TestUser> {
    const user = await a.signup('rider');
    assert.equal(await meOn(a.app, user.accessToken), 200);
    assert.equal(await meOn(b.app, user.accessToken), 200);
    return user;
  }

  /** Ends the user's sessions with the revocation trigger off: no node is told, only a node that re-reads notices. */
  async function revokeSilently(userId: string) {
    await query(a, 'ALTER TABLE $schema.sessions DISABLE TRIGGER sessions_revoked');
    try {
      await query(a, 'UPDATE $schema.sessions SET revoked_at = now() WHERE user_id = $1', [userId]);
    } finally {
      await query(a, 'ALTER TABLE $schema.sessions ENABLE TRIGGER sessions_revoked');
    }
  }

  before(async () => {
    a = await startTestApp('session_cache', { DB_POOL_MAX: '5', DISPATCH_INLINE_FIRST_ROUND: 'false' });
    b = await startSecondNode(a);
  });
  after(async () => {
    await b?.close();
    await a.close();
  });

  test('a repeat request is answered without reading the session again', async () => {
    const user = await userSeenByBothNodes();
    await revokeSilently(user.id);
    assert.equal(await meOn(a.app, user.accessToken), 200, 'served from the cache');
  });

  test('logout on node A: A refuses the token at once, B within the budget', async () => {
    const user = await userSeenByBothNodes();
    const out = await a.api('POST', '/api/v1/auth/logout', { token: user.accessToken });
    assert.equal(out.status, 204, JSON.stringify(out.body));
    assert.equal(await meOn(a.app, user.accessToken), 401, 'the node that logged out forgets at once');
    assert.ok((await timeUntilRefused(b.app, user.accessToken)) < PROPAGATION_BUDGET_MS, 'node B heard of the logout');
  });

  test('a session ended in SQL by an operator, or deleted, is refused on both nodes', async () => {
    const revoked = await userSeenByBothNodes();
    await query(a, `UPDATE $schema.sessions SET revoked_at = now(), revoke_reason = 'operator' WHERE user_id = $1`, [
      revoked.id,
    ]);
    const deleted = await userSeenByBothNodes();
    await query(a, 'DELETE FROM $schema.sessions WHERE user_id = $1', [deleted.id]);
    for (const app of [a.app, b.app]) {
      assert.ok((await timeUntilRefused(app, revoked.accessToken)) < PROPAGATION_BUDGET_MS, 'revoked in SQL');
      assert.ok((await timeUntilRefused(app, deleted.accessToken)) < PROPAGATION_BUDGET_MS, 'deleted');
    }
  });

  test('erasure (DELETE /me) on node B ends the session on both nodes', async () => {
    const user = await userSeenByBothNodes();
    const res = await b.app.http.inject({
      method: 'DELETE',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${user.accessToken}` },
      payload: { password: 'password-123' },
    });
    assert.equal(res.statusCode < 300, true, res.body);
    assert.equal(await meOn(b.app, user.accessToken), 401, 'the erasing node forgets at once');
    assert.ok((await timeUntilRefused(a.app, user.accessToken)) < PROPAGATION_BUDGET_MS, 'node A heard of it');
  });

  test('many sessions unknown to a node at once (a fleet reconnecting) are read in one query, not one each', async () => {
    const users = await Promise.all(Array.from({ length: 30 }, () => a.signup('rider')));
    const reads = countSessionReads();
    try {
      const codes = await Promise.all(users.map((u) => meOn(a.app, u.accessToken)));
      assert.deepEqual(codes, Array<number>(users.length).fill(200));
      assert.ok(reads.count() <= 3, `${reads.count()} session reads for ${users.length} first requests`);
    } finally {
      reads.stop();
    }
    await revokeSilently(users[0]!.id);
    assert.equal(await meOn(a.app, users[0]!.accessToken), 200, 'each of them was remembered alive');
  });

  test('while a node cannot LISTEN it trusts nothing it cached and reads Postgres every time', async () => {
    const user = await userSeenByBothNodes();
    await b.platform.listener.stop(); // node B is deaf from here on (the rest of this suite)
    await revokeSilently(user.id);
    assert.equal(await meOn(b.app, user.accessToken), 401, 'read from Postgres, not the cache');
  });
});
