import { z } from 'zod';

/** The on-demand field services a customer can request (issue 18, docs/api.md "Service requests"). */
export const SERVICE_TYPES = ['tow', 'battery', 'tyre', 'fuel', 'lockout', 'mechanic'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];
export const ServiceTypeSchema = z.enum(SERVICE_TYPES);
