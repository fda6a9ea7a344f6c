/** API.md's rate-limit table, with limits switched on. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomPhone, startTestApp, type TestApp } from '../../support/harness.js';
import { TRIP_BODY } from '../support/fixtures.js';

describe('rate limits', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('rate_limits', { RATE_LIMITS_DISABLED: 'false', DB_POOL_MAX: '5' });
  });
  after(async () => t.close());

  /** Like t.api but from a chosen client address (inject's default is 127.0.0.1). */
  const from = async (remoteAddress: string, url: string, payload: unknown, headers: Record<string, string> = {}) => {
    const res = await t.app.http.inject({ method: 'POST', url, remoteAddress, payload: payload as object, headers });
    return { status: res.statusCode, headers: res.headers, body: res.json() };
  };
  const login = (ip: string, headers: Record<string, string> = {}) =>
    from(ip, '/api/v1/auth/login', { phone: randomPhone(), password: 'wrong-password' }, headers);

  test(
    'login: 10 per minute per IP, the 11th is 429 with Retry-After, X-RateLimit-* and ' + 'details.retryAfter',
    async () => {
      const ip = '198.51.100.10';
      for (let i = 1; i <= 10; i++) {
        const res = await login(ip);
        assert.equal(res.status, 401, `attempt ${i}`);
        assert.equal(res.headers['x-ratelimit-limit'], '10');
        assert.equal(res.headers['x-ratelimit-remaining'], String(10 - i));
        assert.ok(Number(res.headers['x-ratelimit-reset']) > 0 && Number(res.headers['x-ratelimit-reset']) <= 60);
      }
      const limited = await login(ip);
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'RATE_LIMITED');
      const retryAfter = Number(limited.headers['retry-after']);
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
        String(limited.headers['retry-after']),
      );
      assert.equal(limited.body.error.details.retryAfter, retryAfter);
      assert.equal(limited.headers['x-ratelimit-limit'], '10');
      assert.equal(limited.headers['x-ratelimit-remaining'], '0');
      assert.ok(Number(limited.headers['x-ratelimit-reset']) >= 1);
      assert.equal(limited.headers['x-request-id'], limited.body.meta.requestId);

      assert.equal((await login('198.51.100.11')).status, 401, 'another IP has its own budget');
    },
  );

  test('a client cannot dodge the login limit with a forged X-Forwarded-For', async () => {
    const ip = '198.51.100.20';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(ip, { 'x-forwarded-for': `203.0.113.${i}` })).status);
    assert.deepEqual(statuses.slice(10), [429, 429], JSON.stringify(statuses));
  });

  test('behind a local proxy the client address from X-Forwarded-For is the key', async () => {
    const viaProxy = (client: string) => login('10.0.0.5', { 'x-forwarded-for': client });
    for (let i = 0; i < 10; i++) assert.equal((await viaProxy('198.51.100.30')).status, 401);
    assert.equal((await viaProxy('198.51.100.30')).status, 429);
    assert.equal(
      (await viaProxy('198.51.100.31')).status,
      401,
      'a different client behind the same proxy is not punished',
    );
  });

  test('refresh is not counted against the login limit (API.md: default 120/min)', async () => {
    const user = await t.signup('rider');
    let refreshToken = user.refreshToken;
    for (let i = 0; i < 12; i++) {
      const res = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
      assert.equal(res.status, 200, `refresh ${i + 1}`);
      assert.equal(res.headers['x-ratelimit-limit'], '120');
      refreshToken = res.body.data.refreshToken;
    }
  });

  test('signup: 5 per minute per IP', async () => {
    const ip = '198.51.100.40';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await from(ip, '/api/v1/auth/signup', {
            phone: randomPhone(),
            password: 'password-123',
            name: 'R',
            role: 'rider',
          })
        ).status,
      );
    }
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429]);
  });

  test('trip create: 5 per minute per user, whatever the outcome of each', async () => {
    const rider = await t.signup('rider');
    const other = await t.signup('rider');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: TRIP_BODY })).status);
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 429], 'the one-active-trip 409s count too');
    const limited = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: TRIP_BODY });
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal(
      (await t.api('POST', '/api/v1/trips', { token: other.accessToken, body: TRIP_BODY })).status,
      201,
      'per user, not global',
    );
    assert.equal(
      (await t.api('GET', '/api/v1/me', { token: rider.accessToken })).status,
      200,
      'other routes keep their own budget',
    );
  });

  test('health probes are never rate limited', async () => {
    for (let i = 0; i < 150; i++) assert.equal((await t.api('GET', '/health/live')).status, 200);
  });
});
