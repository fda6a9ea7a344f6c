import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { GeoLatitude, MAX_STOPS, VehicleClassSchema, farStops, type LatLng } from '../../shared/index.js';
import { safeText } from '../../platform/text.js';

/**
 * docs/api.md: lat within the geo index limit (dispatch searches drivers around the pickup), lng −180..180, (0,0)
 * rejected (a GPS that has no fix).
 */
export const LatLngSchema = z
  .object({ lat: GeoLatitude, lng: z.number().min(-180).max(180) })
  .refine((p) => !(p.lat === 0 && p.lng === 0), { message: '(0,0) is not a valid position' });

export const PlaceSchema = z
  .object({ lat: GeoLatitude, lng: z.number().min(-180).max(180), address: safeText({ max: 500 }).optional() })
  .refine((p) => !(p.lat === 0 && p.lng === 0), { message: '(0,0) is not a valid position' });

export const TripStatusSchema = z.enum([
  'requested',
  'scheduled',
  'searching',
  'accepted',
  'arrived',
  'started',
  'completed',
  'cancelled',
  'no_drivers',
  'payment_failed',
]);

/** Issue 16 #7: stops between pickup and dropoff, in ride order. */
export const StopsField = z.array(PlaceSchema).max(MAX_STOPS);

const stopsNearPickup = (req: { pickup: LatLng; stops?: LatLng[] }, ctx: z.RefinementCtx) => {
  for (const i of farStops(req.pickup, req.stops ?? []))
    ctx.addIssue({ code: 'custom', path: ['stops', i], message: 'stop is more than 100 km from the pickup' });
};

export const CreateTripRequest = z
  .object({
    pickup: PlaceSchema,
    dropoff: PlaceSchema,
    stops: StopsField.optional(),
    vehicleClass: VehicleClassSchema,
    quoteId: z.string().min(1).max(2000).optional(),
    paymentMethod: z.enum(['cash', 'wallet', 'card']),
    strategy: z.enum(['first_accept', 'broadcast_bid', 'sequential']).optional(),
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine(stopsNearPickup);

/** `POST /trips/:id/stops`: the new list of stops; without `confirm: true` only the new price is shown. */
export const StopsRequest = z.object({ stops: StopsField.min(1), confirm: z.boolean().optional() });

export const StopParams = z.object({
  id: z.uuid(),
  index: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_STOPS - 1),
});

export const TripIdParams = z.object({ id: z.uuid() });

export const ListTripsQuery = z.object({
  status: TripStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const DriverResponseRequest = z.object({
  action: z.enum(['accept', 'decline']),
  bidAmount: z.number().int().positive().max(10_000_000).optional(),
});

export const StatusRequest = z.object({
  status: z.enum(['arrived', 'started', 'completed']),
  otp: z
    .string()
    .regex(/^\d{4}$/, 'otp must be 4 digits')
    .optional(),
});

export const DestinationRequest = z.object({ dropoff: PlaceSchema });

export const CancelRequest = z.object({ reason: safeText({ min: 1, max: 500 }) });

const Money = z.object({ amount: z.number().int(), currency: z.string() });

export const TripSchema = named(
  'Trip',
  z.object({
    id: z.uuid(),
    status: TripStatusSchema,
    riderId: z.uuid(),
    driverId: z.uuid().nullable(),
    vehicleClass: VehicleClassSchema,
    pickup: z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() }),
    dropoff: z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() }),
    /** Stops on the way, in order; `arrivedAt`/`leftAt` as the driver marks them. Present when the trip has stops. */
    stops: z
      .array(
        z.object({
          lat: z.number(),
          lng: z.number(),
          address: z.string().optional(),
          arrivedAt: z.string().optional(),
          leftAt: z.string().optional(),
        }),
      )
      .optional(),
    paymentMethod: z.enum(['cash', 'wallet', 'card']),
    /** Card trips only: the Kashier payment of the final amount, opened at completion. */
    payment: z
      .object({ status: z.enum(['pending', 'paid', 'failed']), paymentUrl: z.string().nullable() })
      .nullable()
      .optional(),
    strategy: z.enum(['first_accept', 'broadcast_bid', 'sequential', 'scheduled']),
    fare: z.object({ amount: z.number().int(), currency: z.string(), surge: z.number() }),
    quoteId: z.string().nullable(),
    scheduledAt: z.string().nullable(),
    /** Scheduled trips only: when the reserving driver confirmed (null until then). */
    confirmedAt: z.string().nullable().optional(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    otp: z.string().optional(),
    cancellation: z
      .object({
        by: z.string(),
        reason: z.string(),
        // `waived` once an admin waived the fee (POST /admin/trips/{id}/waive-fee).
        fee: Money.extend({ waived: z.boolean().optional() }).nullable(),
      })
      .optional(),
    driver: z
      .object({
        id: z.uuid(),
        name: z.string(),
        vehicle: z.unknown(),
        rating: z.number(),
        lat: z.number().optional(),
        lng: z.number().optional(),
      })
      .optional(),
  }),
);

export type TripView = z.infer<typeof TripSchema>;

/** The answer of `POST /trips/:id/stops`: the price over the new route, and the trip (changed only when applied). */
export const StopsAnswerSchema = z.object({
  applied: z.boolean(),
  preview: z.object({
    amount: z.number().int(),
    /** Labelled in the Accept-Language (en, ar), as a quote's lines are. */
    items: z.array(z.object({ code: z.string(), label: z.string(), amount: z.number().int() })),
    distanceM: z.number().int(),
    durationS: z.number().int(),
  }),
  trip: TripSchema,
});
