import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeText } from '../../platform/text.js';

/** A refund is at most one fare; the fare itself bounds it further (409 with `details.remaining`). */
const REFUND_MAX = 10_000_000;

export const RefundRequest = z
  .object({
    amount: z.number().int().positive().max(REFUND_MAX),
    reason: safeText({ min: 1, max: 500 }),
    currency: z.literal('EGP').optional(),
  })
  .strict();

export const RefundSchema = named(
  'Refund',
  z.object({
    id: z.uuid(),
    /** What was refunded: a trip, or a service request (the other is null). */
    tripId: z.uuid().nullable(),
    serviceRequestId: z.uuid().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string(),
    destination: z.enum(['wallet', 'card']),
    status: z.enum(['pending', 'succeeded', 'failed']),
    failureReason: z.string().nullable(),
    requestedBy: z.uuid(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

export const ListRefundsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
});

export type RefundView = z.infer<typeof RefundSchema>;

/** What a card trip shows of its Kashier payment. */
export const TripPaymentSchema = z.object({
  status: z.enum(['pending', 'paid', 'failed']),
  paymentUrl: z.string().nullable(),
});
