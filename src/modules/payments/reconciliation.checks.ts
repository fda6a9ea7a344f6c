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
import { serviceSettlementTotals, serviceSettlements } from '../service-requests/index.js';
import { countPendingCardPayments } from './card-payments.repo.js';
import { findSettlements, settlementTotals } from './finance.repo.js';
import { countPayoutsUnlikeWithdrawals, payoutTotalsByStatus } from './payouts.repo.js';

/** Trips listed by id in a failed check; the count is always exact. */
const MAX_LISTED = 20;
const TRIP_REF = 'trip:';
const SERVICE_REF = 'service:';

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

/** Refunded per job (reference → amount) beyond what its settlement says was paid; [] when none is. */
async function overRefunded(db: DbHandle, prefix: string, paidOf: (ids: string[]) => Promise<Map<string, number>>) {
  const refunds = await totalsByReference(db, { kind: 'refund', prefix });
  const ids = [...refunds.keys()].map((ref) => ref.slice(prefix.length));
  const paid = await paidOf(ids);
  return {
    refunded: ids.length,
    over: ids.filter((id) => refunds.get(`${prefix}${id}`)!.amount > (paid.get(id) ?? 0)),
  };
}

/** No trip or service request refunded more than it was paid, and no refund on one that was never settled. */
export async function checkRefundsWithinPaid(db: DbHandle): Promise<AuditCheck> {
  const trips = await overRefunded(db, TRIP_REF, async (ids) => {
    return new Map((await findSettlements(db, ids)).map((s) => [s.trip_id, s.fare]));
  });
  const services = await overRefunded(db, SERVICE_REF, async (ids) => {
    return new Map((await serviceSettlements.findMany(db, ids)).map((s) => [s.request_id, s.total]));
  });
  return {
    name: 'refunds_within_paid',
    ok: trips.over.length === 0 && services.over.length === 0,
    details: {
      refundedTrips: trips.refunded,
      overRefunded: trips.over.length,
      trips: trips.over.slice(0, MAX_LISTED),
      refundedServiceRequests: services.refunded,
      overRefundedServiceRequests: services.over.length,
      serviceRequests: services.over.slice(0, MAX_LISTED),
    },
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
 * Issue 18 #6: every finished service request has one settlement (a card one `pending` until Kashier pays), the
 * wallet-paid ones moved their total customer → provider exactly once (`service_fee`, reference `service:<id>`)
 * and the card-paid ones moved it provider clearing → provider exactly once (`card_fare`).
 */
export async function checkServiceRequestsSettledOnce(db: DbHandle): Promise<AuditCheck> {
  const totals = await serviceSettlementTotals(db);
  const fees = sumOf(await movementTotals(db), { kind: 'service_fee', debitKind: 'rider_wallet' });
  const repeated = await repeatedReferences(db, { kind: 'service_fee', prefix: SERVICE_REF });
  const cardFares = [...(await totalsByReference(db, { kind: 'card_fare', prefix: SERVICE_REF })).values()];
  const card = cardFares.reduce((acc, r) => ({ amount: acc.amount + r.amount, count: acc.count + r.count }), {
    amount: 0,
    count: 0,
  });
  return {
    name: 'service_requests_settled_once',
    ok:
      totals.finished === totals.settled &&
      totals.walletPaid === fees.count &&
      totals.walletPaidTotal === fees.amount &&
      totals.cardPaid === card.count &&
      totals.cardPaidTotal === card.amount &&
      repeated === 0,
    details: {
      ...totals,
      ledgerFeeTransfers: fees.count,
      ledgerFees: fees.amount,
      ledgerCardTransfers: card.count,
      ledgerCardFares: card.amount,
      requestsWithRepeatedFee: repeated,
    },
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
