import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeName, safeText } from '../../platform/text.js';

import {
  GeoLatitude,
  GeoLatitudeQuery,
  MAX_STOPS,
  VehicleClassSchema as VehicleClassEnum,
  farStops,
} from '../../shared/index.js';

/**
 * docs/api.md: lat within the geo index limit (surge counts drivers around the point), lng −180..180, (0,0) rejected.
 */
const notNullIsland = (p: { lat: number; lng: number }) => !(p.lat === 0 && p.lng === 0);
export const PointSchema = z
  .object({ lat: GeoLatitude, lng: z.number().min(-180).max(180) })
  .refine(notNullIsland, { message: '(0,0) is not a valid position' });

export const EstimateRequest = z
  .object({
    pickup: PointSchema,
    dropoff: PointSchema,
    /** Issue 16 #7: up to 3 stops between pickup and dropoff, priced as one route in order. */
    stops: z.array(PointSchema).max(MAX_STOPS).optional(),
    vehicleClass: VehicleClassEnum.optional(),
  })
  .superRefine((req, ctx) => {
    for (const i of farStops(req.pickup, req.stops ?? []))
      ctx.addIssue({ code: 'custom', path: ['stops', i], message: 'stop is more than 100 km from the pickup' });
  });

export const FareItemSchema = z.object({
  code: z.string(),
  label: z.string(),
  /** Piastres; `rounding` may be negative. */
  amount: z.number().int(),
});

export const QuoteSchema = named(
  'Quote',
  z.object({
    vehicleClass: VehicleClassEnum,
    amount: z.number().int(),
    /** Lines that sum exactly to `amount`, labelled in the Accept-Language (en, ar; default en). */
    items: z.array(FareItemSchema),
    /** The tariff version this quote was priced with; a trip booked with it keeps it. */
    tariffVersion: z.number().int().nullable(),
    currency: z.literal('EGP'),
    surge: z.number(),
    distanceM: z.number().int(),
    durationS: z.number().int(),
    quoteId: z.string(),
    expiresAt: z.string(),
  }),
);
export const EstimateResponse = z.object({ quotes: z.array(QuoteSchema) });

export const SurgeMapQuery = z
  .object({ lat: GeoLatitudeQuery, lng: z.coerce.number().min(-180).max(180) })
  .refine(notNullIsland, { message: '(0,0) is not a valid position' });
export const SurgeMapResponse = z.object({ cells: z.array(z.object({ h3: z.string(), multiplier: z.number() })) });

// ---- admin ----

/** Piastres; 100,000 EGP is far beyond any tariff line and keeps typos out. */
const piastres = z.number().int().min(0).max(10_000_000);
const multiplier = z.number().min(1).max(5);

export const TariffUpdate = z.object({
  baseFare: piastres,
  perKm: piastres,
  perMin: piastres,
  minFare: piastres,
  commissionBps: z.number().int().min(0).max(10_000),
});
export const TariffSchema = TariffUpdate.extend({
  vehicleClass: VehicleClassEnum,
  /** The immutable tariff version these figures are; trips priced with it record it. */
  version: z.number().int(),
  currency: z.literal('EGP'),
  updatedAt: z.string(),
});
export const TariffVersionSchema = TariffUpdate.extend({
  vehicleClass: VehicleClassEnum,
  version: z.number().int(),
  currency: z.literal('EGP'),
  createdAt: z.string(),
  createdBy: z.uuid().nullable(),
});
export const TariffVersionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(20).optional(),
});

const TimeWindowInput = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7).optional(),
    startHour: z.number().int().min(0).max(23),
    endHour: z.number().int().min(0).max(24),
    multiplier,
    description: safeText({ max: 200 }).optional(),
  })
  .refine((w) => w.startHour !== w.endHour, { message: 'startHour and endHour must differ', path: ['endHour'] });
export const TimeWindowsUpdate = z.object({ windows: z.array(TimeWindowInput).max(50) });
export const TimeWindowSchema = z.object({
  id: z.uuid(),
  days: z.array(z.number().int()).nullable(),
  startHour: z.number().int(),
  endHour: z.number().int(),
  multiplier: z.number(),
  description: z.string().nullable(),
});
export const TimeWindowsResponse = z.object({ windows: z.array(TimeWindowSchema) });

const CircleArea = z.object({ center: PointSchema, radiusM: z.number().int().min(50).max(50_000) });
const BboxArea = z.object({
  bbox: z
    .object({
      minLat: z.number().min(-90).max(90),
      minLng: z.number().min(-180).max(180),
      maxLat: z.number().min(-90).max(90),
      maxLng: z.number().min(-180).max(180),
    })
    .refine((b) => b.maxLat > b.minLat && b.maxLng > b.minLng, { message: 'max must exceed min' }),
});
export const EventInput = z
  .object({
    name: safeName(100),
    area: z.union([CircleArea, BboxArea]),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    multiplier,
  })
  .refine((e) => new Date(e.endsAt) > new Date(e.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  });
export type EventInput = z.infer<typeof EventInput>;

export const EventSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  area: z.union([
    z.object({ center: z.object({ lat: z.number(), lng: z.number() }), radiusM: z.number().int() }),
    z.object({ bbox: z.object({ minLat: z.number(), minLng: z.number(), maxLat: z.number(), maxLng: z.number() }) }),
  ]),
  startsAt: z.string(),
  endsAt: z.string(),
  multiplier: z.number(),
  createdAt: z.string(),
});

export const PricingConfigSchema = z.object({
  tariffs: z.array(TariffSchema),
  timeWindows: z.array(TimeWindowSchema),
  /** Events that have not ended yet. */
  events: z.array(EventSchema),
});

export const EventIdParams = z.object({ id: z.uuid() });
export const ClassParams = z.object({ vehicleClass: VehicleClassEnum });
export const ListEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
