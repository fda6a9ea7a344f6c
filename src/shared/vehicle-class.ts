import { z } from 'zod';

/** The vehicle classes riders request, drivers register and tariffs price (docs/api.md "Pricing"). */
export const VEHICLE_CLASSES = ['economy', 'comfort', 'premium', 'xl'] as const;
export type VehicleClass = (typeof VEHICLE_CLASSES)[number];
export const VehicleClassSchema = z.enum(VEHICLE_CLASSES);
