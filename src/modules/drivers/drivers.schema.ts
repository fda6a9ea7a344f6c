import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { VehicleClassSchema } from '../../shared/index.js';
import { safeName, safeText } from '../../platform/text.js';

export const VehicleSchema = z.object({
  make: safeName(50),
  model: safeName(50),
  plate: safeName(20),
  color: safeName(30),
});

export const ProfileRequest = z.object({ vehicleClass: VehicleClassSchema, vehicle: VehicleSchema });

export const AvailabilityRequest = z.object({ available: z.boolean() });

export const DriverProfileSchema = named(
  'DriverProfile',
  z.object({
    userId: z.uuid(),
    vehicleClass: VehicleClassSchema,
    vehicle: VehicleSchema,
    approved: z.boolean(),
    state: z.enum(['offline', 'available', 'offered', 'busy', 'cooldown']),
    rating: z.number(),
    acceptanceRate: z.number(),
    suspended: z.boolean(),
    /** Set while an admin's rejection stands (a new profile clears it). */
    rejectionReason: z.string().nullable(),
    rejectedAt: z.string().nullable(),
  }),
);

export const RejectDriverRequest = z.strictObject({ reason: safeText({ min: 3, max: 500 }) });

export const UserIdParams = z.object({ id: z.uuid() });

/** `?approved=true|false`: a query string carries text, so only these two spellings mean a boolean. */
const QueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

export const AdminDriversQuery = z.object({
  approved: QueryBoolean.optional(),
  state: DriverProfileSchema.shape.state.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const AdminDriverSchema = DriverProfileSchema.extend({
  name: z.string(),
  phone: z.string(),
  createdAt: z.string(),
});
