import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeText } from '../../platform/text.js';
import { MAX_TIP } from './tips.service.js';

/** Whole piastres, 0.01 EGP up to 500.00 EGP: negative, zero, fractional or absurd tips are 400, nothing written. */
export const TipRequest = z
  .object({ amount: z.number().int().positive().max(MAX_TIP), currency: z.literal('EGP').optional() })
  .strict();

export const TipSchema = named(
  'Tip',
  z.object({
    /** What was tipped for: a trip, or a service request (the other is null). */
    tripId: z.string().nullable(),
    serviceRequestId: z.string().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    driverId: z.string(),
    /** Wallet tips are `paid` at once; a card tip is `pending` until Kashier's webhook, `failed` after 30 min. */
    status: z.enum(['pending', 'paid', 'failed']),
    paymentUrl: z.string().nullable(),
    createdAt: z.string(),
  }),
);

export const WaiveFeeRequest = z.object({ reason: safeText({ min: 1, max: 500, multiline: true }) }).strict();

export const CancellationFeeSchema = named(
  'CancellationFee',
  z.object({
    tripId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    /** How the rider was charged: from the wallet, or owed as dues. */
    paidFrom: z.enum(['wallet', 'dues']),
    status: z.enum(['charged', 'waived']),
    waivedAt: z.string().nullable(),
    waiveReason: z.string().nullable(),
  }),
);
