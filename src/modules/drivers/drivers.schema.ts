import { z } from 'zod';
import { VehicleClassSchema } from '../../shared/index.js';
import { safeName } from '../../platform/text.js';

export const VehicleSchema = z.object({
  make: safeName(50),
  model: safeName(50),
  plate: safeName(20),
  color: safeName(30),
});

export const ProfileRequest = z.object({ vehicleClass: VehicleClassSchema, vehicle: VehicleSchema });

export const AvailabilityRequest = z.object({ available: z.boolean() });

export const DriverProfileSchema = z.object({
  userId: z.uuid(),
  vehicleClass: VehicleClassSchema,
  vehicle: VehicleSchema,
  approved: z.boolean(),
  state: z.enum(['offline', 'available', 'offered', 'busy', 'cooldown']),
  rating: z.number(),
  acceptanceRate: z.number(),
});

export const UserIdParams = z.object({ id: z.uuid() });
