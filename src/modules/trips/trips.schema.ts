import { z } from 'zod';
import { GeoLatitude, VehicleClassSchema } from '../../shared/index.js';
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

export const CreateTripRequest = z.object({
  pickup: PlaceSchema,
  dropoff: PlaceSchema,
  vehicleClass: VehicleClassSchema,
  quoteId: z.string().min(1).max(2000).optional(),
  paymentMethod: z.enum(['cash', 'wallet']),
  strategy: z.enum(['first_accept', 'broadcast_bid', 'sequential']).optional(),
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
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

export const CancelRequest = z.object({ reason: safeText({ min: 1, max: 500 }) });

const Money = z.object({ amount: z.number().int(), currency: z.string() });

export const TripSchema = z.object({
  id: z.uuid(),
  status: TripStatusSchema,
  riderId: z.uuid(),
  driverId: z.uuid().nullable(),
  vehicleClass: VehicleClassSchema,
  pickup: z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() }),
  dropoff: z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() }),
  paymentMethod: z.enum(['cash', 'wallet']),
  strategy: z.enum(['first_accept', 'broadcast_bid', 'sequential', 'scheduled']),
  fare: z.object({ amount: z.number().int(), currency: z.string(), surge: z.number() }),
  quoteId: z.string().nullable(),
  scheduledAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  otp: z.string().optional(),
  cancellation: z.object({ by: z.string(), reason: z.string(), fee: Money.nullable() }).optional(),
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
});

export type TripView = z.infer<typeof TripSchema>;
