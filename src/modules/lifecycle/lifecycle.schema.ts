import { z } from 'zod';

export const AdminEventsQuery = z.object({
  aggregateId: z.uuid(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The last seq of the previous page. */
  cursor: z.string().regex(/^\d{1,9}$/).optional(),
});

export const StoredEventSchema = z.object({
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
});

/** DELETE /me re-authenticates: the caller's current password (a stolen access token alone cannot erase an account). */
export const EraseMeRequest = z
  .object({ password: z.string().max(1024).optional().describe('the caller\'s current password (required; missing ⇒ 403)') })
  .nullish(); // no body at all arrives as null
