import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { Logger } from '../../platform/observability/logger.js';
import { ProviderError, isBreakerOpenError, withBreaker } from '../../platform/providers/index.js';
import type { LatLng } from '../../shared/index.js';
import { estimateRoute, type RouteEstimate } from './route-estimate.js';

/** Seed plan 001 "ETA": routes are cached 5 minutes. */
export const ROUTE_CACHE_TTL_MS = 5 * 60_000;
// Bounds memory: a city's distinct quote pairs in 5 minutes stay far below this.
const ROUTE_CACHE_MAX_ENTRIES = 10_000;
// 5 decimals ≈ 1 m: two requests from the same doorstep share a cached route.
const CACHE_KEY_DECIMALS = 5;

export type RouteSource = 'osrm' | 'straight_line';
export interface RoutedEstimate extends RouteEstimate {
  source: RouteSource;
}

const routeLookups = new Counter({
  name: 'smartline_route_lookups_total',
  help: 'Route estimates by source: osrm (fresh), cache, or straight_line fallback',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

interface OsrmResponse {
  code?: string;
  routes?: Array<{ distance?: number; duration?: number }>;
}

function fromMetres(distanceM: number, durationS: number): RouteEstimate {
  return {
    distanceM: Math.round(distanceM),
    durationS: Math.round(durationS),
    distanceKmExact: distanceM / 1000,
    durationMinExact: durationS / 60,
  };
}

/** One OSRM `route` call (`/route/v1/driving/lng,lat;lng,lat`), aborted by `signal`. */
async function fetchOsrmRoute(baseUrl: string, a: LatLng, b: LatLng, signal: AbortSignal): Promise<RouteEstimate> {
  const url = `${baseUrl.replace(/\/+$/, '')}/route/v1/driving/${a.lng},${a.lat};${b.lng},${b.lat}?overview=false&alternatives=false&steps=false`;
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    if (signal.aborted && signal.reason instanceof Error) throw signal.reason;
    throw new ProviderError('osrm', `request failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) throw new ProviderError('osrm', `HTTP ${res.status}`, res.status);
  const body = (await res.json()) as OsrmResponse;
  const route = body.routes?.[0];
  if (body.code !== 'Ok' || !route || !Number.isFinite(route.distance) || !Number.isFinite(route.duration)) {
    throw new ProviderError('osrm', `no route (${body.code ?? 'bad body'})`);
  }
  return fromMetres(Math.max(0, route.distance!), Math.max(0, route.duration!));
}

/**
 * Route distance/duration for pricing. With ROUTE_PROVIDER_URL an
 * OSRM-compatible server answers behind a circuit breaker and a hard timeout;
 * answers are cached 5 minutes. Whenever the router is slow, down or the
 * breaker is open, the straight-line default (× 1.3 at 25 km/h) answers
 * instead, so a quote never fails because of routing.
 */
export class RouteService {
  private readonly cache = new LRUCache<string, RouteEstimate>({
    max: ROUTE_CACHE_MAX_ENTRIES,
    ttl: ROUTE_CACHE_TTL_MS,
  });
  private readonly breakerName: string;

  constructor(private readonly opts: { url?: string; timeoutMs: number; log: Logger }) {
    // One breaker per router URL, so two routers (or two tests) never trip each other.
    this.breakerName = `osrm:${opts.url ?? 'none'}`;
  }

  async estimate(a: LatLng, b: LatLng): Promise<RoutedEstimate> {
    const { url } = this.opts;
    if (!url) return { ...estimateRoute(a, b), source: 'straight_line' };
    const key = this.keyOf(a, b);
    const hit = this.cache.get(key);
    if (hit) {
      routeLookups.inc({ source: 'cache' });
      return { ...hit, source: 'osrm' };
    }
    try {
      const value = await withBreaker(this.breakerName, (signal) => fetchOsrmRoute(url, a, b, signal), {
        timeoutMs: this.opts.timeoutMs,
      });
      this.cache.set(key, value);
      routeLookups.inc({ source: 'osrm' });
      return { ...value, source: 'osrm' };
    } catch (err) {
      if (!isBreakerOpenError(err))
        this.opts.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'route provider failed; using straight-line estimate',
        );
      routeLookups.inc({ source: 'straight_line' });
      return { ...estimateRoute(a, b), source: 'straight_line' };
    }
  }

  /** The whole route through `points` in order (pickup → stops → dropoff): the legs' sum. */
  async estimateVia(points: readonly LatLng[]): Promise<RouteEstimate> {
    const legs = await Promise.all(points.slice(1).map((to, i) => this.estimate(points[i]!, to)));
    return legs.reduce<RouteEstimate>(
      (sum, leg) => ({
        distanceM: sum.distanceM + leg.distanceM,
        durationS: sum.durationS + leg.durationS,
        distanceKmExact: sum.distanceKmExact + leg.distanceKmExact,
        durationMinExact: sum.durationMinExact + leg.durationMinExact,
      }),
      { distanceM: 0, durationS: 0, distanceKmExact: 0, durationMinExact: 0 },
    );
  }

  private keyOf(a: LatLng, b: LatLng): string {
    const f = (x: number) => x.toFixed(CACHE_KEY_DECIMALS);
    return `${f(a.lat)},${f(a.lng)};${f(b.lat)},${f(b.lng)}`;
  }
}
