import { Counter } from 'prom-client';
import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { HotState } from '../../platform/hotstate/index.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { Logger } from '../../platform/observability/logger.js';
import { scheduleMultiplier } from './event-pricing.js';
import { RouteService } from './osrm-route.js';
import type { FareItem } from './fare-items.js';
import { itemiseRoute, quotedLines } from './quote-lines.js';
import type { PricedTrip, Quote, QuoteRejection } from './pricing.types.js';
import { labelItems, type LabelLanguage } from './fare-labels.js';
import type { RouteEstimate } from './route-estimate.js';
import { PricingCatalog, type PricingSnapshot } from './pricing-catalog.js';
import { QUOTE_TTL_MS, signQuote, verifyQuote, type QuoteClaims } from './quote-token.js';
import { haversineMeters, type LatLng } from '../../shared/index.js';
import { SurgeEngine } from './surge.js';
import { VEHICLE_CLASSES, type VehicleClass } from '../../shared/index.js';
import type { VersionedTariff } from './tariff.js';
import { TariffVersions } from './tariff-versions.js';

/** DESIGN.md "Pricing": a quote stands unless the pickup moved more than 100 m … */
export const QUOTE_MAX_MOVE_M = 100;
/** … or surge rose more than 1.5× since it was quoted. */
export const QUOTE_MAX_SURGE_RISE = 1.5;

export type { PricedTrip, Quote, QuoteRejection } from './pricing.types.js';

/** A quote priced one route; other stops (another count, or one moved > 100 m) are another price. */
const stopsMoved = (quoted: LatLng[], asked: LatLng[]) =>
  quoted.length !== asked.length || quoted.some((p, i) => haversineMeters(p, asked[i]!) > QUOTE_MAX_MOVE_M);

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
  readonly versions: TariffVersions;

  constructor(private readonly deps: PricingDeps) {
    this.catalog = new PricingCatalog(deps.db, deps.cacheTtlMs);
    this.versions = new TariffVersions(deps.db, this.catalog);
    this.surge = new SurgeEngine(deps.hotState, deps.isSurgeDisabled, deps.log);
    this.routes = new RouteService({ url: deps.routeProviderUrl, timeoutMs: deps.routeTimeoutMs, log: deps.log });
  }

  async tariff(vehicleClass: VehicleClass): Promise<VersionedTariff> {
    return this.versions.current(vehicleClass);
  }

  /** One signed quote per class (or for the one asked), all from the same route and surge. */
  async estimate(
    userId: string,
    req: { pickup: LatLng; dropoff: LatLng; stops?: LatLng[]; vehicleClass?: VehicleClass },
    opts: { now?: Date; language?: LabelLanguage } = {},
  ): Promise<{ quotes: Quote[] }> {
    const now = opts.now ?? new Date();
    const [route, surge, snapshot] = await Promise.all([
      this.routes.estimateVia([req.pickup, ...(req.stops ?? []), req.dropoff]),
      this.surge.multiplierAt(req.pickup),
      this.catalog.snapshot(),
    ]);
    const timeMultiplier = this.scheduleFactor(snapshot, now, req.pickup);
    const classes = req.vehicleClass ? [req.vehicleClass] : VEHICLE_CLASSES;
    const quotes = classes.map((vehicleClass) =>
      this.signedQuote(
        { userId, req, vehicleClass, tariff: snapshot.tariffs[vehicleClass], route, now },
        {
          timeMultiplier,
          surge,
          language: opts.language ?? 'en',
        },
      ),
    );
    quotesIssued.inc(quotes.length);
    return { quotes };
  }

  private signedQuote(
    q: {
      userId: string;
      req: { pickup: LatLng; dropoff: LatLng; stops?: LatLng[] };
      vehicleClass: VehicleClass;
      tariff: VersionedTariff;
      route: RouteEstimate;
      now: Date;
    },
    m: { timeMultiplier: number; surge: number; language: LabelLanguage },
  ): Quote {
    const { amount, items } = itemiseRoute(q.tariff, q.route, m);
    const expiresAt = q.now.getTime() + QUOTE_TTL_MS;
    const claims: QuoteClaims = {
      userId: q.userId,
      vehicleClass: q.vehicleClass,
      amount,
      currency: 'EGP',
      surge: m.surge,
      timeMultiplier: m.timeMultiplier,
      distanceM: q.route.distanceM,
      durationS: q.route.durationS,
      pickup: q.req.pickup,
      dropoff: q.req.dropoff,
      stops: q.req.stops ?? [],
      issuedAt: q.now.getTime(),
      expiresAt,
      tariffVersion: q.tariff.version,
      items,
    };
    return {
      vehicleClass: q.vehicleClass,
      amount,
      items: labelItems(items, m.language),
      tariffVersion: q.tariff.version,
      currency: 'EGP',
      surge: m.surge,
      distanceM: q.route.distanceM,
      durationS: q.route.durationS,
      quoteId: signQuote(claims, this.deps.quoteSecret),
      expiresAt: new Date(expiresAt).toISOString(),
    };
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
    stops: LatLng[];
    vehicleClass: VehicleClass;
    quoteId?: string;
    at: Date;
    scheduled: boolean;
  }): Promise<PricedTrip> {
    if (args.quoteId) return this.honourQuote({ ...args, quoteId: args.quoteId });
    const [route, surge, snapshot] = await Promise.all([
      this.routes.estimateVia([args.pickup, ...args.stops, args.dropoff]),
      args.scheduled ? Promise.resolve(1) : this.surge.multiplierAt(args.pickup),
      this.catalog.snapshot(),
    ]);
    const timeMultiplier = this.scheduleFactor(snapshot, args.at, args.pickup);
    const tariff = snapshot.tariffs[args.vehicleClass];
    const { amount, items } = itemiseRoute(tariff, route, { timeMultiplier, surge });
    return {
      amount,
      surge,
      commissionBps: tariff.commissionBps,
      tariffVersion: tariff.version,
      timeMultiplier,
      items,
      quoteId: null,
      distanceM: route.distanceM,
      durationS: route.durationS,
    };
  }

  /** 409 QUOTE_EXPIRED with a fresh estimate for the same trip in `details.quotes`. */
  async quoteExpired(
    reason: QuoteRejection,
    args: { riderId: string; pickup: LatLng; dropoff: LatLng; stops?: LatLng[]; vehicleClass: VehicleClass },
  ): Promise<AppError> {
    quotesRejected.inc({ reason });
    const fresh = await this.estimate(args.riderId, {
      pickup: args.pickup,
      dropoff: args.dropoff,
      stops: args.stops,
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

  /**
   * The fare of a finished ride that no longer matches its quote: the same
   * tariff version, time multiplier and surge, over the actual distance and
   * duration. Undefined when the version is gone (it never is: versions are immutable).
   */
  async reprice(args: {
    vehicleClass: VehicleClass;
    tariffVersion: number | null;
    distanceM: number;
    durationS: number;
    timeMultiplier: number;
    surge: number;
  }): Promise<{ amount: number; items: FareItem[]; commissionBps: number } | undefined> {
    const tariff = await this.versions.at(args.vehicleClass, args.tariffVersion);
    if (!tariff) return undefined;
    const fare = itemiseRoute(
      tariff,
      { distanceKmExact: args.distanceM / 1000, durationMinExact: args.durationS / 60 },
      { timeMultiplier: args.timeMultiplier, surge: args.surge },
    );
    return { ...fare, commissionBps: tariff.commissionBps };
  }

  /** What a trip would cost over a new route (pickup → stops → dropoff) at its own version, multiplier and surge. */
  async priceRoute(
    args: Omit<Parameters<PricingService['reprice']>[0], 'distanceM' | 'durationS'> & { points: LatLng[] },
  ) {
    const route = await this.routes.estimateVia(args.points);
    const fare = await this.reprice({ ...args, distanceM: route.distanceM, durationS: route.durationS });
    return fare && { amount: fare.amount, items: fare.items, distanceM: route.distanceM, durationS: route.durationS };
  }

  /** Waiting at stops beyond the free minutes, charged at the trip's tariff version's per-minute rate. */
  async stopWaitingCharge(args: { vehicleClass: VehicleClass; tariffVersion: number | null; minutes: number }) {
    const tariff = await this.versions.at(args.vehicleClass, args.tariffVersion);
    return tariff ? Math.round(tariff.perMin * args.minutes) : 0;
  }

  private scheduleFactor(snapshot: PricingSnapshot, at: Date, pickup: LatLng): number {
    return scheduleMultiplier({ at, pickup, windows: snapshot.windows, events: snapshot.events });
  }

  private async honourQuote(args: {
    riderId: string;
    pickup: LatLng;
    dropoff: LatLng;
    stops: LatLng[];
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
              : stopsMoved(q.stops ?? [], args.stops)
                ? 'stops_changed'
                : null;
    if (reason) throw await this.quoteExpired(reason, args);
    const surgeNow = await this.surge.multiplierAt(args.pickup);
    if (surgeNow > q.surge * QUOTE_MAX_SURGE_RISE) throw await this.quoteExpired('surge_rose', args);
    // The quote fixes the price and the tariff version; the commission is that version's.
    const tariff = await this.versions.at(args.vehicleClass, q.tariffVersion);
    if (!tariff) throw await this.quoteExpired('invalid', args);
    return {
      amount: q.amount,
      surge: q.surge,
      commissionBps: tariff.commissionBps,
      tariffVersion: tariff.version,
      timeMultiplier: q.timeMultiplier,
      items: q.items ?? quotedLines(tariff, q),
      quoteId: args.quoteId,
      distanceM: q.distanceM,
      durationS: q.durationS,
    };
  }
}
