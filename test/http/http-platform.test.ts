/** The rules every route shares: envelope, request ids, limits, versions, docs, headers, error hygiene. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { createHttpServer } from '../../src/platform/http/server.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { encodeCursor } from '../../src/platform/http/cursor.js';
import { TRIP_BODY } from '../support/fixtures.js';

/** Nothing a client receives may look like a stack trace or SQL. */
function assertNoLeak(body: unknown) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  assert.doesNotMatch(
    text,
    /stack|\bat .*\.(ts|js):\d+|node_modules|SELECT |INSERT |UPDATE |DELETE |relation "|syntax error|violates/i,
    text,
  );
}

describe('HTTP platform', () => {
  let t: TestApp;
  let rider: TestUser;
  before(async () => {
    t = await startTestApp('http_platform', { DB_POOL_MAX: '5' });
    rider = await t.signup('rider');
  });
  after(async () => t.close());

  test('success and error envelopes; X-Request-Id equals meta.requestId', async () => {
    const ok = await t.api('GET', '/api/version');
    assert.equal(ok.status, 200);
    assert.equal(ok.body.success, true);
    assert.deepEqual(Object.keys(ok.body).sort(), ['data', 'meta', 'success']);
    assert.equal(ok.body.data.minClientVersion, '1.0.0');
    assert.match(ok.body.data.version, /^\d+\.\d+\.\d+/);
    assert.equal(ok.headers['x-request-id'], ok.body.meta.requestId);
    assert.ok(!Number.isNaN(Date.parse(ok.body.meta.timestamp)));

    const err = await t.api('GET', '/api/v1/me');
    assert.equal(err.status, 401);
    assert.deepEqual(Object.keys(err.body).sort(), ['error', 'meta', 'success']);
    assert.equal(err.body.success, false);
    assert.equal(typeof err.body.error.message, 'string');
    assert.equal(err.headers['x-request-id'], err.body.meta.requestId);
    assert.notEqual(ok.body.meta.requestId, err.body.meta.requestId);
  });

  test('a valid incoming X-Request-Id is echoed; an invalid one is replaced', async () => {
    const mine = 'client-req-12345678';
    const echoed = await t.api('GET', '/api/version', { headers: { 'x-request-id': mine } });
    assert.equal(echoed.headers['x-request-id'], mine);
    assert.equal(echoed.body.meta.requestId, mine);
    for (const bad of ['short', 'has spaces in it!', 'x'.repeat(300), '<script>alert(1)</script>']) {
      const res = await t.api('GET', '/api/version', { headers: { 'x-request-id': bad } });
      assert.notEqual(res.headers['x-request-id'], bad);
      assert.equal(res.headers['x-request-id'], res.body.meta.requestId);
    }
  });

  test('malformed JSON ⇒ 400 VALIDATION_ERROR; wrong content type ⇒ 400', async () => {
    for (const rawBody of ['{"phone": ', '{bad json}', '[1,2', '{"__proto__": {"x": 1}}']) {
      const res = await t.api('POST', '/api/v1/auth/login', { rawBody });
      assert.equal(res.status, 400, rawBody);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
      assertNoLeak(res.body);
    }
    const text = await t.api('POST', '/api/v1/auth/login', {
      rawBody: 'phone=1',
      headers: { 'content-type': 'text/plain' },
    });
    assert.ok(text.status === 400 || text.status === 415, String(text.status));
    assert.equal(text.body.success, false);
  });

  test('a body over 100 KB ⇒ 413 PAYLOAD_TOO_LARGE, nothing stored', async () => {
    const before = await t.count('trips');
    const huge = { ...TRIP_BODY, pickup: { ...TRIP_BODY.pickup, address: 'x'.repeat(101 * 1024) } };
    const res = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: huge });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(await t.count('trips'), before);
    const justUnder = await t.api('POST', '/api/v1/auth/login', {
      body: { phone: '+201001234567', password: 'x'.repeat(90 * 1024) },
    });
    assert.equal(justUnder.status, 400, 'just under the cap reaches validation (password too long)');
  });

  test('unknown route ⇒ 404 envelope', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/trips/x/y/z'],
      ['DELETE', '/api/v1/trips'],
      ['GET', '/totally/else'],
    ] as const) {
      const res = await t.api(method, path, { token: rider.accessToken });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.success, false);
      assert.equal(res.body.error.code, 'NOT_FOUND');
      assert.equal(res.headers['x-request-id'], res.body.meta.requestId);
    }
  });

  test('X-Client-Version: below minimum ⇒ 426, newer or absent ⇒ allowed, garbage ⇒ 400', async () => {
    const old = await t.api('GET', '/api/v1/me', {
      token: rider.accessToken,
      headers: { 'x-client-version': '0.9.0' },
    });
    assert.equal(old.status, 426);
    assert.equal(old.body.error.code, 'UPGRADE_REQUIRED');
    assert.equal(old.body.error.details.minClientVersion, '1.0.0');
    const oldNoToken = await t.api('POST', '/api/v1/auth/login', {
      headers: { 'x-client-version': '0.99.99' },
      body: {},
    });
    assert.equal(oldNoToken.status, 426, 'checked before auth and validation');
    for (const v of ['1.2.0', '1.0.0', '10.0.0']) {
      assert.equal(
        (await t.api('GET', '/api/v1/me', { token: rider.accessToken, headers: { 'x-client-version': v } })).status,
        200,
        v,
      );
    }
    assert.equal((await t.api('GET', '/api/v1/me', { token: rider.accessToken })).status, 200);
    assert.equal(
      (await t.api('GET', '/api/v1/me', { token: rider.accessToken, headers: { 'x-client-version': 'latest' } }))
        .status,
      400,
    );
    assert.equal(
      (await t.api('GET', '/health/live', { headers: { 'x-client-version': '0.1.0' } })).status,
      200,
      'ops routes are not versioned',
    );
  });

  test('OpenAPI 3 at /api/docs/json lists the routes; Swagger UI at /api/docs', async () => {
    const spec = await t.api('GET', '/api/docs/json');
    assert.equal(spec.status, 200);
    assert.match(spec.body.openapi, /^3\./);
    assert.ok(spec.body.paths['/api/v1/trips'], 'lists /api/v1/trips');
    assert.ok(spec.body.paths['/api/v1/trips'].post, 'with its POST');
    assert.ok(spec.body.paths['/api/v1/auth/login']);
    const ui = await t.api('GET', '/api/docs');
    const html =
      ui.status === 302
        ? await t.api(
            'GET',
            String(ui.headers.location).startsWith('/')
              ? String(ui.headers.location)
              : `/api/docs/${ui.headers.location}`,
          )
        : ui;
    assert.equal(html.status, 200);
    assert.match(String(html.headers['content-type']), /text\/html/);
    assert.match(String(html.body), /swagger/i);
  });

  test('helmet security headers are set', async () => {
    const res = await t.api('GET', '/api/version');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.headers['x-frame-options']);
    assert.ok(res.headers['strict-transport-security']);
    assert.equal(res.headers['x-powered-by'], undefined);
  });

  test('an invalid cursor is 400, never a 500', async () => {
    const cursors = [
      'garbage',
      Buffer.from('not|a-uuid').toString('base64url'),
      // Valid for JS Date but outside what Postgres can store: must not reach SQL.
      Buffer.from(`-271821-04-20T00:00:00.000Z|${rider.id}`).toString('base64url'),
      Buffer.from(`+275760-09-13T00:00:00.000Z|${rider.id}`).toString('base64url'),
    ];
    for (const cursor of cursors) {
      const res = await t.api('GET', `/api/v1/trips?cursor=${encodeURIComponent(cursor)}`, {
        token: rider.accessToken,
      });
      assert.equal(res.status, 400, `${cursor}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
      assertNoLeak(res.body);
    }
    const good = encodeCursor(new Date(), rider.id);
    assert.equal((await t.api('GET', `/api/v1/trips?cursor=${good}`, { token: rider.accessToken })).status, 200);
  });

  test('NUL characters in text are refused at the edge (400), not turned into a database 500', async () => {
    const usersBefore = await t.count('users');
    const res = await t.api('POST', '/api/v1/auth/signup', {
      body: { phone: '+201001230000', password: 'password-123', name: 'Evil\u0000Name', role: 'rider' },
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    assert.equal(await t.count('users'), usersBefore);
    const trips = await t.count('trips');
    const trip = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: { ...TRIP_BODY, pickup: { ...TRIP_BODY.pickup, address: 'a\u0000b' } },
    });
    assert.equal(trip.status, 400);
    assert.equal(await t.count('trips'), trips);
  });
});

describe('HTTP platform: CORS allow-list', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('http_cors', { CORS_ORIGINS: 'https://console.example', DB_POOL_MAX: '3' });
  });
  after(async () => t.close());

  test('an allowed origin gets CORS headers; any other origin does not', async () => {
    const preflight = (origin: string) =>
      t.api('OPTIONS', '/api/v1/trips', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('https://console.example');
    assert.ok(allowed.status < 300, String(allowed.status));
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://console.example');
    assert.match(String(allowed.headers['access-control-allow-methods']), /POST/);
    const refused = await preflight('https://evil.example');
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    const simple = await t.api('GET', '/api/version', { headers: { origin: 'https://evil.example' } });
    assert.equal(simple.headers['access-control-allow-origin'], undefined);
    const simpleOk = await t.api('GET', '/api/version', { headers: { origin: 'https://console.example' } });
    assert.equal(simpleOk.headers['access-control-allow-origin'], 'https://console.example');
  });
});

describe('HTTP platform: internal errors', () => {
  test('a 500 carries only code INTERNAL and a generic message: no stack, no SQL', async () => {
    const http = await createHttpServer({ log: createLogger('silent'), corsOrigins: [], version: '0.0.0' });
    http.get('/boom/sql', async () => {
      const err = Object.assign(new Error('syntax error at or near "FROM" in SELECT password_hash FROM users'), {
        code: '42601',
        position: '8',
      });
      throw err;
    });
    http.get('/boom/type', async () => {
      const obj: { deep?: { x: number } } = {};
      return obj.deep!.x;
    });
    await http.ready();
    for (const url of ['/boom/sql', '/boom/type']) {
      const res = await http.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 500);
      const body = res.json();
      assert.deepEqual(body.error, { code: 'INTERNAL', message: 'Internal error' });
      assert.equal(res.headers['x-request-id'], body.meta.requestId);
      assertNoLeak(res.body);
    }
    await http.close();
  });
});
