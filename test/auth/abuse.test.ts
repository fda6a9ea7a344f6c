/**
 * Findings of an attacker's review (lower hardening): limits that could be
 * side-stepped or were missing. Limits are on here, as in production.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomPhone, startTestApp, type TestApp } from '../../support/harness.js';

/** What this suite sets, so the assertions below can count to it. */
const AUTH_FAILURES = 20;
const METRICS_FAILURES = 10;
const LOGIN_FREE = 5;

describe('abuse: limits that must hold', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('abuse', {
      RATE_LIMITS_DISABLED: 'false',
      DB_POOL_MAX: '5',
      AUTH_FAILURES_PER_IP_PER_MIN: String(AUTH_FAILURES),
      METRICS_AUTH_FAILURES_PER_IP_PER_MIN: String(METRICS_FAILURES),
      LOGIN_FREE_ATTEMPTS: String(LOGIN_FREE),
      LOGIN_LOCKOUT_BASE_S: '60',
    });
  });
  after(async () => t.close());

  /** A request from a chosen client address (inject's default is 127.0.0.1). */
  const from = async (
    ip: string,
    method: 'GET' | 'POST',
    url: string,
    opts: { payload?: object; headers?: Record<string, string> } = {},
  ) => {
    const res = await t.app.http.inject({
      method,
      url,
      remoteAddress: ip,
      payload: opts.payload,
      headers: opts.headers ?? {},
    });
    return { status: res.statusCode, headers: res.headers, body: res.json() };
  };
  const login = (ip: string, body: { phone: string; password: string }, headers: Record<string, string> = {}) =>
    from(ip, 'POST', '/api/v1/auth/login', { payload: body, headers });

  test('1. a valid X-API-Key does not lift the per-IP login limit (10/min)', async () => {
    const admin = await t.admin();
    const created = await t.api('POST', '/api/v1/admin/api-keys', {
      token: admin.accessToken,
      body: { name: 'partner', scopes: ['pricing:read'] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const headers = { 'x-api-key': created.body.data.key as string };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await login('198.51.100.1', { phone: randomPhone(), password: 'wrong-password' }, headers)).status,
      );
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
    const signups: number[] = [];
    for (let i = 0; i < 6; i++) {
      const payload = { phone: randomPhone(), password: 'password-123', name: 'R', role: 'rider' };
      signups.push((await from('198.51.100.2', 'POST', '/api/v1/auth/signup', { payload, headers })).status);
    }
    assert.deepEqual(signups, [201, 201, 201, 201, 201, 429]);
  });

  test(
    '4a. one account: wrong passwords from rotating IPs lock the phone (429 + Retry-After), even for the right ' +
      'password',
    async () => {
      const user = await t.signup('rider');
      const statuses: number[] = [];
      let lockedRes: Awaited<ReturnType<typeof login>> | undefined;
      for (let i = 0; i < 25; i++) {
        const res = await login(`203.0.113.${i + 1}`, { phone: user.phone, password: `guess-${i}-xyz` });
        statuses.push(res.status);
        if (res.status === 429) lockedRes ??= res;
      }
      // The attempt that uses up the free ones is answered with the lock itself.
      assert.deepEqual(statuses, [...Array(LOGIN_FREE - 1).fill(401), ...Array(25 - LOGIN_FREE + 1).fill(429)]);
      assert.equal(lockedRes!.body.error.code, 'RATE_LIMITED');
      const retryAfter = Number(lockedRes!.headers['retry-after']);
      assert.ok(retryAfter >= 55 && retryAfter <= 60, String(retryAfter));
      assert.equal(lockedRes!.body.error.details.retryAfter, retryAfter);
      const right = await login('203.0.113.200', { phone: user.phone, password: 'password-123' });
      assert.equal(right.status, 429, 'a locked phone is locked for the right password too (no oracle)');
      const other = await t.signup('rider');
      assert.equal(
        (await login('203.0.113.201', { phone: other.phone, password: 'password-123' })).status,
        200,
        'other accounts are not affected',
      );
    },
  );

  test('4a. a successful login clears the failures before the lock', async () => {
    const user = await t.signup('rider');
    for (let i = 0; i < LOGIN_FREE - 1; i++)
      assert.equal((await login(`203.0.114.${i + 1}`, { phone: user.phone, password: 'nope-nope-1' })).status, 401);
    assert.equal((await login('203.0.114.50', { phone: user.phone, password: 'password-123' })).status, 200);
    for (let i = 0; i < LOGIN_FREE - 1; i++)
      assert.equal((await login(`203.0.114.${i + 60}`, { phone: user.phone, password: 'nope-nope-1' })).status, 401);
  });

  test('5. failed bearer tokens and API keys count per IP: 429 after the budget, other IPs unaffected', async () => {
    const user = await t.signup('rider');
    const bearer = (ip: string, token: string) =>
      from(ip, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) statuses.push((await bearer('198.51.100.50', `forged.token.${i}`)).status);
    assert.deepEqual(statuses.slice(0, AUTH_FAILURES), Array(AUTH_FAILURES).fill(401));
    assert.deepEqual(new Set(statuses.slice(AUTH_FAILURES)), new Set([429]));
    const limited = await bearer('198.51.100.50', user.accessToken);
    assert.equal(limited.status, 429, 'the IP is refused before any lookup');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal((await bearer('198.51.100.51', user.accessToken)).status, 200, 'another IP keeps working');

    const keys: number[] = [];
    for (let i = 0; i < AUTH_FAILURES + 5; i++) {
      keys.push(
        (
          await from('198.51.100.52', 'POST', '/api/v1/pricing/estimate', {
            headers: { 'x-api-key': `sl_live_000000000000_${'x'.repeat(43)}` },
            payload: {},
          })
        ).status,
      );
    }
    assert.deepEqual(keys, [...Array(AUTH_FAILURES).fill(401), ...Array(5).fill(429)]);
  });

  test('6. /metrics token guesses are limited per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < METRICS_FAILURES + 3; i++) {
      statuses.push(
        (
          await t.app.http.inject({
            method: 'GET',
            url: '/metrics',
            remoteAddress: '198.51.100.60',
            headers: { authorization: `Bearer guess-${i}` },
          })
        ).statusCode,
      );
    }
    assert.deepEqual(statuses, [...Array(METRICS_FAILURES).fill(401), 429, 429, 429]);
    const good = { authorization: `Bearer ${t.config.metricsToken}` };
    assert.equal(
      (await t.app.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.60', headers: good }))
        .statusCode,
      429,
    );
    assert.equal(
      (await t.app.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.61', headers: good }))
        .statusCode,
      200,
    );
  });
});
