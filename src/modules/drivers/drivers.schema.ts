import { z } from 'zod';
import { VehicleClassSchema } from '../../shared/index.js';


const text = (max: number) => z.string().trim().min(1).max(max);

export const VehicleSchema = z.object({ make: text(50), model: text(50), plate: text(20), color: text(30) });

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
