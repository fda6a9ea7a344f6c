import { z } from 'zod';

export const DailyReportQuery = z.object({ date: z.iso.date() });

const Amount = z.number().int();

export const DailyReportSchema = z.object({
  date: z.string(),
  timeZone: z.string(),
  currency: z.string(),
  /** Piastres. Wallet and card fares as moved in the ledger; cash fares as settled (cash never enters the ledger). */
  fares: z.object({ wallet: Amount, card: Amount, cash: Amount }),
  commission: Amount,
  tips: Amount,
  refunds: Amount,
  fees: Amount,
  deposits: Amount,
  withdrawalsApproved: Amount,
  payouts: z.object({ paid: Amount, returned: Amount }),
  /** What riders owe at the end of the day (their dues accounts). */
  duesOutstanding: Amount,
});
export type DailyReport = z.infer<typeof DailyReportSchema>;
