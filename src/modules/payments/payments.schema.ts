import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeText } from '../../platform/text.js';
import { FRAUD_LIMITS } from './fraud-rules.js';

const Currency = z.literal('EGP').optional();
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Whole piastres only: negative, zero, fractional or absurd amounts are 400 before any handler runs. */
const amountUpTo = (max: number) => z.number().int().positive().max(max);

export const DepositRequest = z.object({ amount: amountUpTo(FRAUD_LIMITS.depositMax), currency: Currency }).strict();
export const WithdrawalRequest = z
  .object({ amount: amountUpTo(FRAUD_LIMITS.withdrawalMax), currency: Currency })
  .strict();
// No body at all is fine (fastify hands the schema null).
export const DecisionBody = z.object({ note: safeText({ max: 500, multiline: true }).optional() }).nullish();
export const IdParams = z.object({ id: z.uuid() });

const DepositFields = {
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(['pending', 'failed', 'credited', 'held', 'rejected']),
  reviewReason: z.string().nullable(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
};
export const DepositSchema = named('Deposit', z.object(DepositFields));
export const CreatedDepositSchema = z.object({ depositId: z.string(), paymentUrl: z.string(), ...DepositFields });

export const WithdrawalSchema = named(
  'Withdrawal',
  z.object({
    id: z.string(),
    driverId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(['pending', 'review', 'approved', 'rejected', 'expired']),
    reviewReason: z.string().nullable(),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);

export const ListWithdrawalsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  status: z.enum(['pending', 'review', 'approved', 'rejected', 'expired']).optional(),
});

/** Kashier's webhook: `{event, data}`; which fields are signed is named inside `data`. */
export const KashierWebhookBody = z.object({
  event: z.string().max(50).optional(),
  data: z.record(z.string(), z.unknown()),
});
export const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string() });

export const RangeQuerySchema = z.object({ from: Day.optional(), to: Day.optional() });
export const EarningsQuery = RangeQuerySchema.extend({ period: z.enum(['day', 'week']).default('day') });
export const AdminEarningsQuery = EarningsQuery.extend({ driverId: z.uuid() });

export const EarningsRowSchema = z.object({
  period: z.string(),
  trips: z.number().int(),
  cashTrips: z.number().int(),
  gross: z.number().int(),
  commission: z.number().int(),
  net: z.number().int(),
  currency: z.string(),
});
export const RevenueRowSchema = z.object({
  day: z.string(),
  revenue: z.number().int(),
  trips: z.number().int(),
  currency: z.string(),
});

export const ReconciliationSchema = z.object({
  ok: z.boolean(),
  ranAt: z.string(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), details: z.record(z.string(), z.unknown()) })),
});

export const FinanceAlertSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  subjectId: z.string().nullable(),
  message: z.string(),
  details: z.unknown(),
  createdAt: z.string(),
});
