import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeText } from '../../platform/text.js';
import { GeoLatitude, GeoLatitudeQuery, VehicleClassSchema } from '../../shared/index.js';

/** API.md: a fix may be up to 30 s in the future (clock skew); beyond that it is rejected. */
export const MAX_FUTURE_SKEW_MS = 30_000;
/** API.md: `POST /location/batch-update {points:[…≤100]}`. */
export const MAX_BATCH_POINTS = 100;
export const MAX_NEARBY_RADIUS_KM = 10;
export const MAX_NEARBY_LIMIT = 50;

/**
 * API.md "Conventions": client timestamps are ISO-8601 strings or epoch milliseconds (tried first: what phones send
 * every few seconds).
 */
const Timestamp = z
  .union([z.number().int().positive(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
  .refine((ms) => ms <= Date.now() + MAX_FUTURE_SKEW_MS, { message: 'timestamp is more than 30 s in the future' });

/**
 * docs/api.md coordinates: lat within the geo index limit (±85.05112878), lng −180..180, (0,0) rejected (a GPS without
 * a fix).
 */
export const LocationPointSchema = z
  .object({
    lat: GeoLatitude,
    lng: z.number().min(-180).max(180),
    heading: z.number().min(0).max(360).nullable().optional(),
    speed: z.number().min(0).max(150).nullable().optional(), // m/s; 150 m/s = 540 km/h bounds GPS garbage
    accuracy: z.number().min(0).max(100_000).nullable().optional(), // metres
    /** The phone's own mock-location report (Android isFromMockProvider / iOS isSimulatedBySoftware). */
    isMock: z.boolean().optional(),
    timestamp: Timestamp,
  })
  .refine((p) => !(p.lat === 0 && p.lng === 0), { message: '(0,0) is not a valid position', path: ['lat'] });

export type LocationPointInput = z.input<typeof LocationPointSchema>;
export type LocationPoint = z.output<typeof LocationPointSchema>;

export const BatchUpdateRequest = z.object({ points: z.array(LocationPointSchema).min(1).max(MAX_BATCH_POINTS) });

/** Why a fix was not taken: too close to the last, too old, or refused by GPS hygiene (issue 16 point 3). */
export const DropReasonSchema = z.enum(['coalesced', 'stale', 'speed', 'accuracy', 'mock']);
export const UpdateResponse = z.object({
  accepted: z.boolean(),
  reason: DropReasonSchema.optional(),
  serverTime: z.string(),
});
export const BatchResponse = z.object({
  accepted: z.number().int(),
  dropped: z.number().int(),
  reasons: z.partialRecord(DropReasonSchema, z.number().int()),
});

export const FraudFlagSchema = named(
  'FraudFlag',
  z.object({
    id: z.uuid(),
    driverId: z.uuid(),
    reason: z.enum(['impossible_jump', 'mock_location']),
    suspiciousFixes: z.number().int(),
    status: z.enum(['open', 'cleared']),
    note: z.string().nullable(),
    clearedBy: z.string().nullable(),
    clearedAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);
export const ListFraudFlagsQuery = z.object({
  status: z.enum(['open', 'cleared']).optional(),
  /** One driver's flags (the console's driver page). */
  driverId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export const ClearFraudFlagRequest = z.object({ note: safeText({ min: 1, max: 500, multiline: true }) });

export const NearbyQuery = z
  .object({
    lat: GeoLatitudeQuery,
    lng: z.coerce.number().min(-180).max(180),
    radiusKm: z.coerce.number().positive().max(MAX_NEARBY_RADIUS_KM).default(3),
    vehicleClass: VehicleClassSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_NEARBY_LIMIT).default(20),
  })
  .refine((q) => !(q.lat === 0 && q.lng === 0), { message: '(0,0) is not a valid position', path: ['lat'] });

/** docs/api.md `nearby:watch`: a rider's live map of nearby cars. */
export const MAX_WATCH_RADIUS_KM = 5;
export const NearbyWatchRequest = z
  .strictObject({
    lat: GeoLatitude,
    lng: z.number().min(-180).max(180),
    radiusKm: z.number().positive().max(MAX_WATCH_RADIUS_KM),
    vehicleClass: VehicleClassSchema.optional(),
  })
  .refine((q) => !(q.lat === 0 && q.lng === 0), { message: '(0,0) is not a valid position', path: ['lat'] });
export type NearbyWatchInput = z.output<typeof NearbyWatchRequest>;

export const NearbyDriverSchema = z.object({
  driverId: z.uuid(),
  lat: z.number(),
  lng: z.number(),
  distanceM: z.number(),
  heading: z.number().nullable(),
  vehicleClass: z.string(),
});

export const RoutePointSchema = z.object({ lat: z.number(), lng: z.number(), at: z.string() });
export const RouteResponse = z.object({ points: z.array(RoutePointSchema), distanceM: z.number() });
export const TripIdParams = z.object({ id: z.uuid() });

export const StopRequest = z.object({});
