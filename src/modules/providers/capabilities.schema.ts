import { z } from 'zod';
import { GeoLatitude, ServiceTypeSchema } from '../../shared/index.js';

export const EQUIPMENT = [
  'tow_truck',
  'jump_starter',
  'tyre_kit',
  'fuel_can',
  'lockout_kit',
  'diagnostic_kit',
] as const;
export type Equipment = (typeof EQUIPMENT)[number];

const Point = z.object({ lat: GeoLatitude, lng: z.number().min(-180).max(180) });
// A city-sized area: 100 m .. 200 km radius, polygons of 3..100 corners (a hand-drawn district, not a coastline).
const MAX_POLYGON_POINTS = 100;

export const ServiceAreaSchema = z.union([
  z.object({ center: Point, radiusM: z.number().int().min(100).max(200_000) }).strict(),
  z.object({ polygon: z.array(Point).min(3).max(MAX_POLYGON_POINTS) }).strict(),
]);
export type ServiceArea = z.infer<typeof ServiceAreaSchema>;

const distinct = (values: string[]) => new Set(values).size === values.length;

export const CapabilitiesDeclaration = z
  .object({
    serviceTypes: z.array(ServiceTypeSchema).min(1).max(6).refine(distinct, 'service types must be distinct'),
    equipment: z
      .array(z.enum(EQUIPMENT))
      .max(EQUIPMENT.length)
      .refine(distinct, 'equipment must be distinct')
      .default([]),
    serviceArea: ServiceAreaSchema.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.serviceTypes.includes('tow') && !d.equipment.includes('tow_truck'))
      ctx.addIssue({ code: 'custom', path: ['equipment'], message: 'towing needs a tow_truck' });
  });
export type CapabilitiesDeclaration = z.infer<typeof CapabilitiesDeclaration>;

export const CapabilitiesSchema = z.object({
  providerId: z.uuid(),
  serviceTypes: z.array(ServiceTypeSchema),
  equipment: z.array(z.enum(EQUIPMENT)),
  serviceArea: ServiceAreaSchema.nullable(),
  /** Each change of the declaration is a new revision; an admin approves one revision. */
  revision: z.number().int(),
  status: z.enum(['pending', 'approved']),
  approvedAt: z.string().nullable(),
  declaredAt: z.string(),
});

export const ApproveCapabilitiesRequest = z.object({ revision: z.number().int().min(1) });
