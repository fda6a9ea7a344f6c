import { Counter } from 'prom-client';
import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { HotState } from '../../platform/hotstate/index.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { Logger } from '../../platform/observability/logger.js';
import { scheduleMultiplier } from './event-pricing.js';
import { RouteService } from './osrm-route.js';
import { fareFromParts } from './price-trip.js';
import { PricingCatalog, type PricingSnapshot } from './pricing-catalog.js';
import { QUOTE_TTL_MS, signQuote, verifyQuote, type QuoteClaims } from './quote-token.js';
import { haversineMeters, type LatLng } from '../../shared/index.js';
import { SurgeEngine } from './surge.js';
import { VEHICLE_CLASSES, type VehicleClass } from '../../shared/index.js';
import type { Tariff } from './tariff.js';

/** DESIGN.md "Pricing": a quote stands unless the pickup moved more than 100 m … */
export const QUOTE_MAX_MOVE_M = 100;
/** … or surge rose more than 1.5× since it was quoted. */
export const QUOTE_MAX_SURGE_RISE = 1.5;

export interface Quote {
  vehicleClass: VehicleClass;
  amount: number;
  currency: 'EGP';
  surge: number;
  distanceM: number;
  durationS: number;
  quoteId: string;
  expiresAt: string;
}

export interface PricedTrip {
  amount: number;
  surge: number;
  /** The class's commission in the tariff this price was made with; settlement charges it. */
  commissionBps: number;
  quoteId: string | null;
  distanceM: number;
  durationS: number;
}

export type QuoteRejection =
  | 'invalid'
  | 'expired'
  | 'other_user'
  | 'vehicle_class'
  | 'pickup_moved'
  | 'dropoff_moved'
  | 'surge_rose'
  | 'already_used';

const quotesIssued = new Counter({
  name: 'smartline_pricing_quotes_total',
  help: 'Quotes issued by /pricing/estimate',
  registers: [metricsRegistry],
});
const quotesRejected = new Counter({
  name: 'smartline_pricing_quote_rejections_total',
  help: 'Trip requests whose quote was refused (409 QUOTE_EXPIRED), by reason',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export interface PricingDeps {
  db: DbHandle;
  hotState: HotState;
  isSurgeDisabled: () => boolean;
  quoteSecret: string;
  cacheTtlMs: number;
  routeProviderUrl?: string;
  routeTimeoutMs: number;
  log: Logger;
}

/** Estimates, signed quotes, trip prices and surge: the pricing module's one service. */
export class PricingService {
  readonly catalog: PricingCatalog;
  readonly surge: SurgeEngine;
  readonly routes: RouteService;

  constructor(private readonly deps: PricingDeps) {
    this.catalog = new PricingCatalog(deps.db, deps.cacheTtlMs);
    this.surge = new SurgeEngine(deps.hotState, deps.isSurgeDisabled, deps.log);
    this.routes = new RouteService({ url: deps.routeProviderUrl, timeoutMs: deps.routeTimeoutMs, log: deps.log });
  }

  async tariff(vehicleClass: VehicleClass): Promise<Tariff> {
    return (await this.catalog.snapshot()).tariffs[vehicleClass];
  }

  /** One signed quote per class (or for the one asked), all from the same route and surge. */
  async estimate(
    userId: string,
    req: { pickup: LatLng; dropoff: LatLng; vehicleClass?: VehicleClass },
    now = new Date(),
  ): Promise<{ quotes: Quote[] }> {
    const [route, surge, snapshot] = await Promise.all([
      this.routes.estimate(req.pickup, req.dropoff),
      this.surge.multiplierAt(req.pickup),
      this.catalog.snapshot(),
    ]);
    const timeMultiplier = this.scheduleFactor(snapshot, now, req.pickup);
    const expiresAt = now.getTime() + QUOTE_TTL_MS;
    const classes = req.vehicleClass ? [req.vehicleClass] : VEHICLE_CLASSES;
    const quotes = classes.map((vehicleClass): Quote => {
      const amount = fareFromParts({ tariff: snapshot.tariffs[vehicleClass], route, timeMultiplier, surge });
      const claims: QuoteClaims = {
        userId,
        vehicleClass,
        amount,
        currency: 'EGP',
        surge,
        timeMultiplier,
        distanceM: route.distanceM,
        durationS: route.durationS,
        pickup: req.pickup,
        dropoff: req.dropoff,
        issuedAt: now.getTime(),
        expiresAt,
      };
      const quoteId = signQuote(claims, this.deps.quoteSecret);
      return {
        vehicleClass,
        amount,
        currency: 'EGP',
        surge,
        distanceM: route.distanceM,
        durationS: route.durationS,
        quoteId,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    });
    quotesIssued.inc(quotes.length);
    return { quotes };
  }

  /**
   * The fare a trip request is charged. With a quote: the quoted amount if it
   * is genuine, unexpired, the rider's own, for the same class, and neither
   * pickup nor dropoff moved > 100 m nor surge rose > 1.5× — otherwise 409
   * QUOTE_EXPIRED carrying a fresh estimate. Without: priced live; a
   * scheduled trip is priced for its pickup time, without surge (unknowable).
   */
  async priceRequest(args: {
    riderId: string;
    pickup: LatLng;
    dropoff: LatLng;
    vehicleClass: VehicleClass;
    quoteId?: string;
    at: Date;
    scheduled: boolean;
  }): Promise<PricedTrip> {
    if (args.quoteId) return this.honourQuote({ ...args, quoteId: args.quoteId });
    const [route, surge, snapshot] = await Promise.all([
      this.routes.estimate(args.pickup, args.dropoff),
      args.scheduled ? Promise.resolve(1) : this.surge.multiplierAt(args.pickup),
      this.catalog.snapshot(),
    ]);
    const timeMultiplier = this.scheduleFactor(snapshot, args.at, args.pickup);
    const tariff = snapshot.tariffs[args.vehicleClass];
    const amount = fareFromParts({ tariff, route, timeMultiplier, surge });
    return {
      amount,
      surge,
      commissionBps: tariff.commissionBps,
      quoteId: null,
      distanceM: route.distanceM,
      durationS: route.durationS,
    };
  }

  /** 409 QUOTE_EXPIRED with a fresh estimate for the same trip in `details.quotes`. */
  async quoteExpired(
    reason: QuoteRejection,
    args: { riderId: string; pickup: LatLng; dropoff: LatLng; vehicleClass: VehicleClass },
  ): Promise<AppError> {
    quotesRejected.inc({ reason });
    const fresh = await this.estimate(args.riderId, {
      pickup: args.pickup,
      dropoff: args.dropoff,
      vehicleClass: args.vehicleClass,
    });
    return new AppError(ErrorCode.QUOTE_EXPIRED, `Quote no longer valid (${reason}); a fresh estimate is attached`, {
      reason,
      quotes: fresh.quotes,
    });
  }

  async recordDemand(pickup: LatLng): Promise<void> {
    await this.surge.recordDemand(pickup);
  }

  async surgeMap(point: LatLng) {
    return { cells: await this.surge.surgeMap(point) };
  }

  private scheduleFactor(snapshot: PricingSnapshot, at: Date, pickup: LatLng): number {
    return scheduleMultiplier({ at, pickup, windows: snapshot.windows, events: snapshot.events });
  }

  private async honourQuote(args: {
    riderId: string;
    pickup: LatLng;
    dropoff: LatLng;
    vehicleClass: VehicleClass;
    quoteId: string;
  }): Promise<PricedTrip> {
    const check = verifyQuote(args.quoteId, this.deps.quoteSecret, Date.now());
    if (!check.ok) throw await this.quoteExpired(check.reason === 'expired' ? 'expired' : 'invalid', args);
    const q = check.claims;
    const reason: QuoteRejection | null =
      q.userId !== args.riderId
        ? 'other_user'
        : q.vehicleClass !== args.vehicleClass
          ? 'vehicle_class'
          : haversineMeters(q.pickup, args.pickup) > QUOTE_MAX_MOVE_M
            ? 'pickup_moved'
            : // Not in the issue text, but a quote for a short ride must not buy a long one.
              haversineMeters(q.dropoff, args.dropoff) > QUOTE_MAX_MOVE_M
              ? 'dropoff_moved'
              : null;
    if (reason) throw await this.quoteExpired(reason, args);
    const surgeNow = await this.surge.multiplierAt(args.pickup);
    if (surgeNow > q.surge * QUOTE_MAX_SURGE_RISE) throw await this.quoteExpired('surge_rose', args);
    // The quote fixes what the rider pays; the commission is the tariff's at request time.
    const { commissionBps } = await this.tariff(args.vehicleClass);
    return {
      amount: q.amount,
      surge: q.surge,
      commissionBps,
      quoteId: args.quoteId,
      distanceM: q.distanceM,
      durationS: q.durationS,
    };
  }
}
