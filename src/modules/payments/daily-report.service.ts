import type { DbHandle } from '../../platform/db/database.js';
import { CURRENCY, movementTotals, riderDuesTotals, sumOf } from '../ledger/index.js';
import type { DailyReport } from './daily-report.schema.js';
import { localDayBounds, sumCashFares } from './finance.repo.js';
import { REPORT_TIME_ZONE } from './reports.service.js';

/**
 * One Cairo day of money, each figure read from the ledger's transfers by kind (the names the money flows use:
 * trip_fare, card_fare, commission, tip, refund, cancellation_fee, deposit, withdrawal, payout, payout_returned)
 * and the rider_dues accounts. A kind nothing has moved yet reports 0.
 */
export async function dailyFinanceReport(db: DbHandle, date: string): Promise<DailyReport> {
  const range = await localDayBounds(db, { day: date, timeZone: REPORT_TIME_ZONE });
  const moves = await movementTotals(db, range);
  const amount = (match: Parameters<typeof sumOf>[1]) => sumOf(moves, match).amount;
  const cash = await sumCashFares(db, range);
  const dues = await riderDuesTotals(db, range.to);
  return {
    date,
    timeZone: REPORT_TIME_ZONE,
    currency: CURRENCY,
    fares: {
      wallet: amount({ kind: 'trip_fare', debitKind: 'rider_wallet' }),
      // A card fare arrives from the payment provider, whichever kind name its settlement uses.
      card: amount({ kind: 'trip_fare', debitKind: 'provider_clearing' }) + amount({ kind: 'card_fare' }),
      cash: cash.amount,
    },
    // Net: a commission handed back (debiting platform revenue) lowers the day's figure.
    commission:
      amount({ kind: 'commission', creditKind: 'platform_revenue' }) -
      amount({ kind: 'commission', debitKind: 'platform_revenue' }),
    tips: amount({ kind: 'tip' }),
    refunds: amount({ kind: 'refund' }),
    fees: amount({ kind: 'cancellation_fee' }),
    deposits: amount({ kind: 'deposit' }),
    withdrawalsApproved: amount({ kind: 'withdrawal' }),
    payouts: { paid: amount({ kind: 'payout' }), returned: amount({ kind: 'payout_returned' }) },
    duesOutstanding: dues.fromTransfers,
  };
}
