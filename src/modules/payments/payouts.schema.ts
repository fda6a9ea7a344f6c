import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeName, safeText } from '../../platform/text.js';

/** A real calendar day (2026-02-30 is a 400, not a database error). */
const Day = z.iso.date();

/**
 * Shapes only; whether the IBAN's check digits and the phone's range are right is judged by ibantools and
 * libphonenumber in the service (a 400 with the field named).
 */
export const PayoutMethodRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bank'), iban: safeText({ min: 15, max: 50 }), holderName: safeName(100) }).strict(),
  z.object({ type: z.literal('mobile_wallet'), phone: z.string().min(8).max(20) }).strict(),
]);
export type PayoutMethodInput = z.infer<typeof PayoutMethodRequest>;

/** Masked: enough for the driver (and finance on screen) to recognise it, never the whole number. */
export const PayoutMethodSchema = z.object({
  type: z.enum(['bank', 'mobile_wallet']),
  iban: z.string().nullable(),
  holderName: z.string().nullable(),
  phone: z.string().nullable(),
  updatedAt: z.string(),
});

export const PayoutStatusSchema = z.enum(['pending', 'paid', 'failed']);

export const PayoutSchema = named(
  'Payout',
  z.object({
    id: z.string(),
    withdrawalId: z.string(),
    driverId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: PayoutStatusSchema,
    method: z.object({
      type: z.enum(['bank', 'mobile_wallet']),
      iban: z.string().nullable(),
      holderName: z.string().nullable(),
      phone: z.string().nullable(),
    }),
    /** What finance puts on the bank transfer, so the statement line finds its payout. */
    transferReference: z.string(),
    bankReference: z.string().nullable(),
    failureReason: z.string().nullable(),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);

export const ListPayoutsQuery = z.object({
  status: PayoutStatusSchema.optional(),
  /** Created on this day (Cairo time). */
  date: Day.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const ExportPayoutsQuery = z.object({ date: Day });

export const PayoutParams = z.object({ id: z.uuid() });
export const PayoutPaidBody = z.object({ reference: safeText({ min: 1, max: 100 }) }).strict();
export const PayoutFailedBody = z.object({ reason: safeText({ min: 1, max: 500 }) }).strict();
