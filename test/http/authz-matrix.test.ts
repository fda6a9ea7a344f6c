/**
 * Role × route authorization, generated from the app's own route table
 * (src/platform/http/route-table.ts) and each route's declared `auth` /
 * `apiKeyScope`: a route added tomorrow is in the matrix without anyone
 * listing it here. Object level: resources read by id are the owner's.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { routeTable, type RouteEntry } from '../../src/platform/http/route-table.js';
import { operationsOf, encodeSegment, type Operation } from '../../support/fuzz/fuzzer.js';
import { schemaArbitrary, type JsonSchema } from '../../support/fuzz/schema-arbitrary.js';
import {
  acceptedTripBetween,
  bookingBetween,
  seedWorld,
  type FuzzWorld,
  type Principal,
} from '../../support/fuzz/world.js';

const SEED = 7;
const CALLERS: Principal[] = ['none', 'rider', 'driver', 'admin', 'apiKey', 'forgedToken'];

interface Outcome {
  status: number;
  code?: string;
}

/** HEAD mirrors GET and OPTIONS is the CORS preflight: neither runs a handler of ours. */
const matrixRoutes = (t: TestApp) =>
  routeTable(t.app.http).filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');

/**
 * One plausible request for the route: params and body sampled from its OpenAPI schema, so allowed callers reach the
 * handler.
 */
function requestFor(route: RouteEntry, op: Operation | undefined, knownIds: string[]) {
  const sample = (schema: JsonSchema) =>
    fc.sample(schemaArbitrary(schema, { knownIds }), { seed: SEED, numRuns: 1 })[0];
  const params = op
    ? (sample({ type: 'object', properties: op.schemas.params, required: Object.keys(op.schemas.params) }) as Record<
        string,
        unknown
      >)
    : {};
  const url = route.url
    .replace(/:(\w+)/g, (_, name: string) => encodeSegment(String(params[name] ?? 'x')))
    .replace('*', 'x');
  const body = op?.schemas.body ? sample(op.schemas.body) : undefined;
  return { url, body };
}

/** What `caller` must (not) get from `route`, or null when the answer is right. */
function violation(route: RouteEntry, caller: Principal, got: Outcome, signedIn: Outcome): string | null {
  const auth = route.config.auth;
  if (got.status >= 500) return `${got.status} ${got.code}`;
  if (!auth) {
    // Public: refusing a caller without a token is only fine if a signed-in caller is refused too (webhook signature,
    // metrics token).
    const refused = (o: Outcome) => o.status === 401 || o.status === 403;
    return caller === 'none' && refused(got) && !refused(signedIn)
      ? `public route refused an anonymous caller: ${got.status}`
      : null;
  }
  const expectStatus = (status: number, code: string) =>
    got.status === status && got.code === code ? null : `expected ${status} ${code}, got ${got.status} ${got.code}`;
  if (caller === 'none' || caller === 'forgedToken') return expectStatus(401, 'UNAUTHENTICATED');
  if (caller === 'apiKey')
    return route.config.apiKeyScope
      ? got.status === 401 || got.status === 403
        ? `API key refused: ${got.status}`
        : null
      : expectStatus(403, 'FORBIDDEN');
  if (auth !== 'any' && !auth.includes(caller)) return expectStatus(403, 'FORBIDDEN');
  return got.status === 401 ? `allowed role got 401 ${got.code}` : null;
}

describe('authorization matrix: every route × every caller', () => {
  let t: TestApp;
  let world: FuzzWorld;

  before(async () => {
    t = await startTestApp('authz_matrix', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
    t.app.markStarted();
    world = await seedWorld(t);
  });
  after(async () => t.close());

  const call = async (method: string, url: string, caller: Principal, body?: unknown): Promise<Outcome> => {
    const res = await t.api(method, url, { headers: world.headersFor(caller), body });
    return { status: res.status, code: typeof res.body === 'object' ? res.body?.error?.code : undefined };
  };

  test('the matrix covers every route the app registered, and every operation of the OpenAPI', () => {
    const routes = matrixRoutes(t).map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    const documented = operationsOf(t.app.http.swagger(), []).map((op) => op.id);
    assert.deepEqual(
      documented.filter((id) => !routes.includes(id)),
      [],
    );
    assert.ok(routes.length >= documented.length);
  });

  test(
    'declared roles are enforced (403 other roles, 401 no/forged token), public routes never ask for a token, ' +
      'no 5xx',
    async () => {
      const ops = new Map(operationsOf(t.app.http.swagger(), routeTable(t.app.http)).map((op) => [op.route, op]));
      const problems: string[] = [];
      for (const route of matrixRoutes(t)) {
        await world.revive(); // a previous route may have been logout or DELETE /me
        const { url, body } = requestFor(route, ops.get(route), world.knownIds);
        const outcomes = new Map<Principal, Outcome>();
        for (const caller of CALLERS) outcomes.set(caller, await call(route.method, url, caller, body));
        for (const caller of CALLERS) {
          const problem = violation(route, caller, outcomes.get(caller)!, outcomes.get('rider')!);
          if (problem)
            problems.push(
              `${route.method} ${route.url} as ${caller} (auth ${JSON.stringify(route.config.auth ?? 'public')}): ${problem}`,
            );
        }
      }
      assert.deepEqual(problems, []);
    },
  );
});

describe('object level: what is read by id belongs to its owner', () => {
  let t: TestApp;
  let owner: TestUser;
  let otherRider: TestUser;
  let otherDriver: TestUser;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestApp('authz_objects', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
    owner = await t.signup('rider');
    otherRider = await t.signup('rider');
    otherDriver = await t.driver();
    const tripId = await acceptedTripBetween(t, owner, await t.driver());
    const message = await t.api('POST', `/api/v1/trips/${tripId}/messages`, {
      token: owner.accessToken,
      body: { text: 'hello', clientMessageId: randomUUID() },
    });
    assert.equal(message.status, 201);
    const sos = await t.api('POST', '/api/v1/sos', { token: owner.accessToken, body: { lat: 30.0444, lng: 31.2357 } });
    assert.equal(sos.status, 201);
    Object.assign(ids, {
      '/api/v1/trips/:id': tripId,
      '/api/v1/bookings/:id': await bookingBetween(t, owner, await t.signup('driver')),
      '/api/v1/sos/:id': sos.body.data.alertId,
    });
  });
  after(async () => t.close());

  /**
   * Every GET route reading one of these resources by its id alone (`/trips/:id`, `/trips/:id/messages`, …), from the
   * route table.
   */
  const resourceReads = () =>
    routeTable(t.app.http).filter(
      (r) =>
        r.method === 'GET' &&
        (r.url.match(/:/g) ?? []).length === 1 &&
        Object.keys(ids).some((p) => r.url === p || r.url.startsWith(`${p}/`)),
    );

  test('the owner reads it; another rider and an unrelated driver get 404 on every such route', async () => {
    const reads = resourceReads();
    for (const must of ['/api/v1/trips/:id', '/api/v1/trips/:id/messages', '/api/v1/bookings/:id', '/api/v1/sos/:id'])
      assert.ok(
        reads.some((r) => r.url === must),
        `${must} not in the route table`,
      );
    const problems: string[] = [];
    for (const route of reads) {
      const prefix = Object.keys(ids).find((p) => route.url === p || route.url.startsWith(`${p}/`))!;
      const url = route.url.replace(':id', ids[prefix]!);
      const statusFor = async (user: TestUser) => (await t.api('GET', url, { token: user.accessToken })).status;
      const seen = {
        owner: await statusFor(owner),
        otherRider: await statusFor(otherRider),
        otherDriver: await statusFor(otherDriver),
      };
      // 409 lets the owner in to a resource not ready yet (a receipt before the ride ends); never 403/404 for them.
      const ownerIn = seen.owner === 200 || seen.owner === 409;
      if (!ownerIn || seen.otherRider !== 404 || seen.otherDriver !== 404)
        problems.push(`GET ${route.url}: ${JSON.stringify(seen)}`);
    }
    assert.deepEqual(problems, []);
  });
});
