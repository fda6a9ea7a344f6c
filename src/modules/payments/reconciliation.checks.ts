import type { DbHandle } from '../../platform/db/database.js';
import {
  movementTotals,
  repeatedReferences,
  riderDuesTotals,
  sumOf,
  totalsByReference,
  type AuditCheck,
} from '../ledger/index.js';
import { tripRecords } from '../trips/index.js';
import { serviceSettlementTotals } from '../service-requests/index.js';
import { countPendingCardPayments } from './card-payments.repo.js';
import { findSettlements, settlementTotals } from './finance.repo.js';
import { countPayoutsUnlikeWithdrawals, payoutTotalsByStatus } from './payouts.repo.js';

/** Trips listed by id in a failed check; the count is always exact. */
const MAX_LISTED = 20;
const TRIP_REF = 'trip:';

/**
 * Every finished trip (completed, or completed with the wallet payment failed) has one settlement row, and the
 * wallet-paid ones moved their fare rider → driver exactly once: one trip_fare transfer per trip, the same total.
 * A card trip whose rider has not paid yet is finished without a settlement: it is counted as awaiting, not missing.
 */
export async function checkTripsSettledOnce(db: DbHandle): Promise<AuditCheck> {
  const finished = await tripRecords.countInStatus(db, ['completed', 'payment_failed']);
  const awaitingCard = await countPendingCardPayments(db);
  const settled = await settlementTotals(db);
  const fares = sumOf(await movementTotals(db), { kind: 'trip_fare', debitKind: 'rider_wallet' });
  const repeated = await repeatedReferences(db, { kind: 'trip_fare', prefix: TRIP_REF });
  return {
    name: 'trips_settled_once',
    ok:
      finished - awaitingCard === settled.settled &&
      settled.walletPaid === fares.count &&
      settled.walletPaidFares === fares.amount &&
      repeated === 0,
    details: {
      finishedTrips: finished,
      awaitingCardPayment: awaitingCard,
      settlements: settled.settled,
      walletPaidSettlements: settled.walletPaid,
      walletPaidFares: settled.walletPaidFares,
      ledgerFareTransfers: fares.count,
      ledgerFares: fares.amount,
      tripsWithRepeatedFare: repeated,
    },
  };
}

/** No trip refunded more than it was paid, and no refund on a trip that was never settled. */
export async function checkRefundsWithinPaid(db: DbHandle): Promise<AuditCheck> {
  const refunds = await totalsByReference(db, { kind: 'refund', prefix: TRIP_REF });
  const tripIds = [...refunds.keys()].map((ref) => ref.slice(TRIP_REF.length));
  const paid = new Map((await findSettlements(db, tripIds)).map((s) => [s.trip_id, s.fare]));
  const over = tripIds.filter((id) => refunds.get(`${TRIP_REF}${id}`)!.amount > (paid.get(id) ?? 0));
  return {
    name: 'refunds_within_paid',
    ok: over.length === 0,
    details: { refundedTrips: tripIds.length, overRefunded: over.length, trips: over.slice(0, MAX_LISTED) },
  };
}

/**
 * Each payout pays its approved withdrawal (same driver, same amount), and the ledger moved exactly the paid ones
 * out (kind payout) and the failed ones back to the drivers (kind payout_returned), once each.
 */
export async function checkPayoutsMatchWithdrawals(db: DbHandle): Promise<AuditCheck> {
  const { payouts, unlike } = await countPayoutsUnlikeWithdrawals(db);
  const byStatus = await payoutTotalsByStatus(db);
  const moves = await movementTotals(db);
  const paidOut = sumOf(moves, { kind: 'payout' });
  const returned = sumOf(moves, { kind: 'payout_returned' });
  return {
    name: 'payouts_match_withdrawals',
    ok:
      unlike === 0 &&
      paidOut.amount === byStatus.paid.sum &&
      paidOut.count === byStatus.paid.count &&
      returned.amount === byStatus.failed.sum &&
      returned.count === byStatus.failed.count,
    details: {
      payouts,
      unlikeTheirWithdrawal: unlike,
      paid: byStatus.paid,
      failed: byStatus.failed,
      ledgerPaidOut: paidOut,
      ledgerReturned: returned,
    },
  };
}

/** What riders owe by their dues accounts' counters equals what the transfers into and out of them add up to. */
export async function checkDuesMatchAccounts(db: DbHandle): Promise<AuditCheck> {
  const dues = await riderDuesTotals(db);
  return {
    name: 'dues_match_accounts',
    ok: dues.fromCounters === dues.fromTransfers && dues.inCredit === 0,
    details: { ...dues },
  };
}

/**
 * Issue 18 #6: every finished cash/wallet service request has one settlement, and the wallet-paid ones moved
 * their total customer → provider exactly once (`service_fee`, reference `service:<id>`).
 */
export async function checkServiceRequestsSettledOnce(db: DbHandle): Promise<AuditCheck> {
  const totals = await serviceSettlementTotals(db);
  const fees = sumOf(await movementTotals(db), { kind: 'service_fee', debitKind: 'rider_wallet' });
  const repeated = await repeatedReferences(db, { kind: 'service_fee', prefix: 'service:' });
  return {
    name: 'service_requests_settled_once',
    ok:
      totals.finished === totals.settled &&
      totals.walletPaid === fees.count &&
      totals.walletPaidTotal === fees.amount &&
      repeated === 0,
    details: { ...totals, ledgerFeeTransfers: fees.count, ledgerFees: fees.amount, requestsWithRepeatedFee: repeated },
  };
}

export async function runBusinessChecks(db: DbHandle): Promise<AuditCheck[]> {
  return [
    await checkTripsSettledOnce(db),
    await checkServiceRequestsSettledOnce(db),
    await checkRefundsWithinPaid(db),
    await checkPayoutsMatchWithdrawals(db),
    await checkDuesMatchAccounts(db),
  ];
}
