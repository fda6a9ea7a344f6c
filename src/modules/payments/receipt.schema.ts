import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';

const Line = z.object({ code: z.string(), label: z.string(), amount: z.number().int() });

export const ReceiptSchema = named(
  'Receipt',
  z.object({
    tripId: z.uuid(),
    currency: z.string(),
    /** The upfront price the rider agreed to. */
    quoted: z.number().int(),
    /** Lines of what was charged, summing to `total`, labelled in the Accept-Language (en, ar). */
    items: z.array(Line),
    total: z.number().int(),
    /** Why `total` differs from `quoted`; null when the quote stood. */
    reason: z
      .enum(['destination_changed', 'stop_added', 'distance_exceeded', 'duration_exceeded', 'cancelled'])
      .nullable(),
    paymentMethod: z.enum(['cash', 'wallet', 'card']),
    payments: z.array(z.object({ kind: z.string(), amount: z.number().int(), at: z.string() })),
    tip: z.number().int().nullable(),
    refunds: z.array(z.object({ id: z.string(), amount: z.number().int(), status: z.string(), at: z.string() })),
    tariffVersion: z.number().int().nullable(),
    issuedAt: z.string(),
    /** Driver's and admin's view only. */
    commission: z.number().int().optional(),
    driverEarnings: z.number().int().optional(),
  }),
);
export type Receipt = z.infer<typeof ReceiptSchema>;
