import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';

export const WalletSchema = named(
  'Wallet',
  z.object({
    balance: z.number().int(),
    pending: z.number().int(),
    available: z.number().int(),
    creditLimit: z.number().int(),
    /** Owed from unpaid cancellation fees; the next trip's settlement clears it. */
    dues: z.number().int(),
    currency: z.string(),
  }),
);

export const WalletTransactionSchema = named(
  'WalletTransaction',
  z.object({
    id: z.string(),
    amount: z.number().int(),
    kind: z.string(),
    reference: z.string().nullable(),
    createdAt: z.string(),
  }),
);

export const TransactionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
