import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { RouteService, estimateRoute } from '../../src/modules/pricing/index.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { startFakeOsrm, type FakeOsrm } from './fake-osrm.js';

const log = createLogger('silent');
const a = { lat: 30.0444, lng: 31.2357 };
const b = { lat: 30.0626, lng: 31.2497 };
const TIMEOUT_MS = 300;
// Where the fake router answers, its answer must win even when the first request of a cold, loaded process is slow.
const ANSWERING_TIMEOUT_MS = 5_000;

describe('route provider (OSRM behind a breaker, cached, straight-line fallback)', () => {
  const servers: FakeOsrm[] = [];
  const fake = async (opts: Parameters<typeof startFakeOsrm>[0]) => {
    const s = await startFakeOsrm(opts);
    servers.push(s);
    return s;
  };
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('uses the router’s distance and duration, unrounded, and asks with lng,lat order', async () => {
    const osrm = await fake({ distance: 10_000.4, duration: 1_200.6 });
    const routes = new RouteService({ url: osrm.url, timeoutMs: ANSWERING_TIMEOUT_MS, log });
    const r = await routes.estimate(a, b);
    assert.equal(r.source, 'osrm');
    assert.equal(r.distanceM, 10_000);
    assert.equal(r.durationS, 1_201);
    assert.equal(r.distanceKmExact, 10_000.4 / 1000);
    assert.equal(r.durationMinExact, 1_200.6 / 60);
    assert.match(osrm.lastPath ?? '', /^\/route\/v1\/driving\/31\.2357,30\.0444;31\.2497,30\.0626\?/);
  });

  test('answers are cached for 5 minutes: a repeat does not hit the router', async () => {
    const osrm = await fake({});
    const routes = new RouteService({ url: osrm.url, timeoutMs: ANSWERING_TIMEOUT_MS, log });
    await routes.estimate(a, b);
    await routes.estimate(a, b);
    await routes.estimate({ lat: a.lat + 0.000001, lng: a.lng }, b); // same 5-decimal key (≈ 1 m)
    assert.equal(osrm.hits, 1);
    await routes.estimate(b, a);
    assert.equal(osrm.hits, 2, 'the reverse direction is its own route');
  });

  test('a hanging router is cut off at the timeout and the straight-line estimate answers', async () => {
    const osrm = await fake({ mode: 'hang' });
    const routes = new RouteService({ url: osrm.url, timeoutMs: TIMEOUT_MS, log });
    const started = Date.now();
    const r = await routes.estimate(a, b);
    const took = Date.now() - started;
    assert.equal(r.source, 'straight_line');
    assert.deepEqual({ ...r, source: undefined }, { ...estimateRoute(a, b), source: undefined });
    assert.ok(took >= TIMEOUT_MS - 20 && took < TIMEOUT_MS + 500, `took ${took} ms`);
  });

  test('5xx and "no route" answers fall back; a failed answer is not cached', async () => {
    const osrm = await fake({ mode: 'error' });
    const routes = new RouteService({ url: osrm.url, timeoutMs: ANSWERING_TIMEOUT_MS, log });
    assert.equal((await routes.estimate(a, b)).source, 'straight_line');
    osrm.mode = 'no_route';
    assert.equal((await routes.estimate(a, b)).source, 'straight_line');
    osrm.mode = 'ok';
    assert.equal((await routes.estimate(a, b)).source, 'osrm', 'recovers as soon as the router does');
  });

  test('a router that keeps failing opens the breaker: later quotes do not wait on it', async () => {
    const osrm = await fake({ mode: 'hang' });
    const routes = new RouteService({ url: osrm.url, timeoutMs: TIMEOUT_MS, log });
    for (let i = 0; i < 6; i++) await routes.estimate({ lat: a.lat + i * 0.01, lng: a.lng }, b);
    const hitsWhenOpen = osrm.hits;
    const started = Date.now();
    const r = await routes.estimate({ lat: 30.1, lng: 31.3 }, b);
    assert.equal(r.source, 'straight_line');
    assert.ok(Date.now() - started < 50, 'open breaker answers at once');
    assert.equal(osrm.hits, hitsWhenOpen, 'the router was not called');
  });

  test('a router that is not listening at all falls back', async () => {
    const osrm = await fake({});
    const url = osrm.url;
    await osrm.close();
    servers.splice(servers.indexOf(osrm), 1);
    const routes = new RouteService({ url, timeoutMs: TIMEOUT_MS, log });
    assert.equal((await routes.estimate(a, b)).source, 'straight_line');
  });
});
