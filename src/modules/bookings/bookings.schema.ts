import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeName, safeText } from '../../platform/text.js';

export const BookingStatusSchema = z.enum(['pending', 'confirmed', 'in_progress', 'completed', 'cancelled']);
export type BookingStatus = z.infer<typeof BookingStatusSchema>;

const Instant = z.iso.datetime({ offset: true });
const Reason = safeText({ min: 1, max: 500 });

export const CreateBookingRequest = z
  .object({
    providerId: z.uuid(),
    serviceType: safeName(50),
    startsAt: Instant,
    endsAt: Instant,
    address: safeText({ min: 1, max: 500 }),
    notes: safeText({ max: 2000, multiline: true }).optional(),
  })
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  });
export type CreateBookingInput = z.infer<typeof CreateBookingRequest>;

export const BookingStatusRequest = z.object({
  status: BookingStatusSchema.exclude(['pending']),
  reason: Reason.optional(),
});

export const DeleteBookingRequest = z.object({ reason: Reason.optional() }).nullish();

export const BookingIdParams = z.object({ id: z.uuid() });

export const ListBookingsQuery = z.object({
  status: BookingStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const BookingSchema = named(
  'Booking',
  z.object({
    id: z.uuid(),
    customerId: z.uuid(),
    providerId: z.uuid(),
    serviceType: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    status: BookingStatusSchema,
    address: z.string(),
    notes: z.string().nullable(),
    deletedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** Admins only. */
    deletedBy: z.uuid().nullable().optional(),
    deletionReason: z.string().nullable().optional(),
  }),
);
export type BookingView = z.infer<typeof BookingSchema>;
