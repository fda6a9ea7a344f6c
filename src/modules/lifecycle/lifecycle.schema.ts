import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';

export const AdminEventsQuery = z.object({
  aggregateId: z.uuid(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The last seq of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,9}$/)
    .optional(),
});

export const StoredEventSchema = named(
  'StoredEvent',
  z.object({
    id: z.number().int(),
    aggregateType: z.string(),
    aggregateId: z.uuid(),
    seq: z.number().int(),
    type: z.string(),
    payload: z.unknown(),
    actorId: z.uuid().nullable(),
    createdAt: z.string(),
    /** True when the event has moved to events_archive. */
    archived: z.boolean(),
  }),
);
