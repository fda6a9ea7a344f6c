/** With REDIS_URL, HTTP rate limits are one budget across every node, not one per process. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomPhone, startTestApp, type TestApp } from '../../support/harness.js';

// Tests may read the environment: this suite needs a real Redis shared by two nodes.
const REDIS_URL = process.env.REDIS_URL;
const skip = REDIS_URL ? false : 'REDIS_URL not set: shared rate-limit suite skipped';
if (skip) console.log(skip);

describe('rate limits shared through Redis', { skip }, () => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  before(async () => {
    const env = { REDIS_URL: REDIS_URL!, RATE_LIMITS_DISABLED: 'false', DB_POOL_MAX: '3' };
    nodeA = await startTestApp('rl_redis', env);
    nodeB = await startTestApp('rl_redis_b', { ...env, DB_SCHEMA: nodeA.schema });
  });
  after(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });

  const login = async (node: TestApp, remoteAddress: string) => {
    const res = await node.app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      payload: { phone: randomPhone(), password: 'wrong-password' },
    });
    return res.statusCode;
  };

  test('login attempts from one IP spread over two nodes share the 10/min budget', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 20}`;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await login(i % 2 === 0 ? nodeA : nodeB, ip));
    assert.deepEqual(statuses, Array(10).fill(401));
    assert.equal(await login(nodeA, ip), 429, 'the 11th attempt is refused on node A');
    assert.equal(await login(nodeB, ip), 429, 'and on node B');
  });
});
