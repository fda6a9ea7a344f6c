/** Issue 20 #4: the OpenAPI document is derived from the routes and tells the truth about each operation. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { routeTable } from '../../src/platform/http/route-table.js';
import { HTTP_STATUS } from '../../src/platform/errors.js';

type Operation = Record<string, any>;
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  let t: TestApp;
  let spec: { paths: Record<string, Record<string, Operation>>; components: Record<string, any> };
  let rider: TestUser;
  const operations = () =>
    Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ id: `${method.toUpperCase()} ${path}`, method, path, op })),
    );
  const op = (method: string, path: string) => spec.paths[path]![method]!;

  before(async () => {
    t = await startTestApp('docs_openapi');
    const res = await t.api('GET', '/api/docs/json');
    assert.equal(res.status, 200);
    spec = res.body;
    rider = await t.signup('rider');
  });
  after(async () => t.close());

  test('every operation has a summary, tags and a unique operationId (missing ones are named)', () => {
    const all = operations();
    assert.ok(all.length > 100, `${all.length} operations`);
    const noSummary = all.filter((o) => typeof o.op.summary !== 'string' || o.op.summary.length < 3).map((o) => o.id);
    assert.deepEqual(noSummary, [], `routes without a schema summary:\n  ${noSummary.join('\n  ')}`);
    assert.deepEqual(
      all.filter((o) => !(o.op.tags?.length > 0)).map((o) => o.id),
      [],
    );
    const ids = all.map((o) => o.op.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    assert.equal(op('get', '/api/v1/trips/{id}').operationId, 'getTripsById');
    assert.equal(op('post', '/api/v1/trips/{id}/bids/{bidId}/select').operationId, 'postTripsByIdBidsByBidIdSelect');
  });

  test('security follows each route’s auth: bearer for signed-in routes, the API key where a scope allows, none for public', () => {
    assert.deepEqual(spec.components.securitySchemes.bearer, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Access token from /auth/login',
    });
    assert.equal(spec.components.securitySchemes.apiKey.name, 'X-API-Key');
    for (const route of routeTable(t.app.http)) {
      const o = spec.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      if (!o) continue;
      const expected = !route.config.auth
        ? []
        : route.config.apiKeyScope
          ? [{ bearer: [] }, { apiKey: [] }]
          : [{ bearer: [] }];
      assert.deepEqual(o.security, expected, `${route.method} ${route.url}`);
    }
    assert.deepEqual(op('post', '/api/v1/auth/login').security, []);
  });

  test('what Swagger UI’s Authorize sends (Authorization: Bearer <token>) is what a protected operation accepts', async () => {
    const schemeName = Object.keys(op('get', '/api/v1/me').security[0])[0]!;
    const scheme = spec.components.securitySchemes[schemeName];
    assert.equal(scheme.scheme, 'bearer');
    const header = { authorization: `Bearer ${rider.accessToken}` };
    assert.equal((await t.api('GET', '/api/v1/me', { headers: header })).status, 200);
    const anonymous = await t.api('GET', '/api/v1/me');
    assert.equal(anonymous.status, 401);
    assert.ok(op('get', '/api/v1/me').responses['401'], 'the 401 it gives is documented');
  });

  test('error responses come from the one error table, in the Error envelope', async () => {
    assert.equal(spec.components.schemas.Error.properties.success.enum[0], false);
    for (const { id, op: o } of operations()) {
      for (const [status, response] of Object.entries<any>(o.responses)) {
        if (Number(status) < 400) continue;
        assert.equal(response.content['application/json'].schema.$ref, '#/components/schemas/Error', id);
        const codes = String(response.description).replace('Error: ', '').split(', ');
        for (const code of codes)
          assert.equal(HTTP_STATUS[code as keyof typeof HTTP_STATUS], Number(status), `${id}: ${code}`);
      }
    }
    // What the server really answers is documented: bad body, unknown trip, an idempotency replay conflict.
    const create = op('post', '/api/v1/trips');
    const bad = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: { pickup: 'nowhere' } });
    assert.equal(bad.status, 400);
    assert.match(create.responses['400'].description, /VALIDATION_ERROR/);
    assert.match(create.responses['409'].description, /QUOTE_EXPIRED/);
    assert.match(create.responses['422'].description, /IDEMPOTENCY_MISMATCH/);
    const missing = await t.api('GET', `/api/v1/trips/${crypto.randomUUID()}`, { token: rider.accessToken });
    assert.equal(missing.status, 404);
    assert.match(op('get', '/api/v1/trips/{id}').responses['404'].description, /NOT_FOUND/);
    assert.match(op('get', '/api/v1/trips/{id}/receipt').responses['409'].description, /RECEIPT_NOT_AVAILABLE/);
  });

  test('request headers the platform reads are parameters: Idempotency-Key where honoured, X-Client-Version on /api/v1', () => {
    const headers = (o: Operation) =>
      (o.parameters ?? []).filter((p: any) => p.in === 'header').map((p: any) => p.name);
    for (const route of routeTable(t.app.http)) {
      const o = spec.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      if (!o) continue;
      const names = headers(o);
      assert.equal(names.includes('Idempotency-Key'), Boolean(route.config.idempotent), `${route.method} ${route.url}`);
      assert.equal(
        names.includes('X-Client-Version'),
        route.url.startsWith('/api/v1/'),
        `${route.method} ${route.url}`,
      );
    }
  });

  test('a 204 route is documented as 204 with no body, and answers 204', async () => {
    const forget = op('delete', '/api/v1/me/push-tokens/{token}');
    assert.deepEqual(
      Object.keys(forget.responses).filter((s) => s.startsWith('2')),
      ['204'],
    );
    assert.equal(forget.responses['204'].content, undefined);
    const token = `device-${crypto.randomUUID()}`;
    const body = { token, platform: 'android' };
    assert.equal((await t.api('POST', '/api/v1/me/push-tokens', { token: rider.accessToken, body })).status, 201);
    const res = await t.api('DELETE', `/api/v1/me/push-tokens/${token}`, { token: rider.accessToken });
    assert.equal(res.status, 204);
    for (const [path, method] of [
      ['/api/v1/auth/logout', 'post'],
      ['/api/v1/me', 'delete'],
      ['/api/v1/bookings/{id}/hard-delete', 'delete'],
    ] as const)
      assert.ok(op(method, path).responses['204'] && !op(method, path).responses['200'], `${method} ${path}`);
  });

  test('shared resources are named components the operations reference', () => {
    for (const name of ['Trip', 'Wallet', 'Booking', 'Error', 'User', 'Notification', 'Withdrawal'])
      assert.ok(spec.components.schemas[name], `components.schemas.${name}`);
    const tripData = op('get', '/api/v1/trips/{id}').responses['200'].content['application/json'].schema;
    assert.equal(tripData.properties.data.$ref, '#/components/schemas/Trip');
    const wallet = op('get', '/api/v1/wallet').responses['200'].content['application/json'].schema;
    assert.equal(wallet.properties.data.$ref, '#/components/schemas/Wallet');
    assert.ok(spec.components.schemas.Wallet.properties.payoutMethod, 'the Wallet component is the served shape');
  });
});
