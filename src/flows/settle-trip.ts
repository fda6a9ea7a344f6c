import type { Tx } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import type { VehicleClass } from '../shared/index.js';
import { commissionSplit, type PricingService } from '../modules/pricing/index.js';
import {
  CURRENCY,
  availableOf,
  duesOwed,
  ensureWallet,
  findDuesAccount,
  lockAccountStates,
  systemAccounts,
  transferAll,
  type AccountState,
  type MoveInput,
} from '../modules/ledger/index.js';
import {
  alertCreditLimitExceeded,
  duesClearedTransferId,
  recordSettlement,
  tripSubject,
  type CardCheckout,
} from '../modules/payments/index.js';
import { notify } from '../modules/notifications/index.js';
import type { TripRow } from '../modules/trips/index.js';

export interface SettleTripDeps {
  jobs: JobQueue;
  /** Piastres of cash commission a driver wallet may owe (config DRIVER_CREDIT_LIMIT). */
  driverCreditLimit: number;
  /** `tariff` for trips priced before they kept their commission (0014); `reprice`, stop waiting at completion. */
  pricing: Pick<PricingService, 'tariff' | 'reprice' | 'stopWaitingCharge'>;
  /** Opens the Kashier order of a card trip (its webhook settles the fare later). */
  cardCheckout: CardCheckout;
}

export type SettlementOutcome = 'paid' | 'payment_failed';

export interface Settlement {
  outcome: SettlementOutcome;
  fare: number;
  commission: number;
  driverShare: number;
}

interface Accounts {
  rider: AccountState;
  driver: AccountState;
  /** The rider's dues account, when the rider ever owed anything. */
  dues: AccountState | undefined;
  platformRevenue: number;
  cashClearing: number;
}

/**
 * A finished job someone pays for: a trip (`trip:<id>`) or a service request (`service:<id>`). The reference
 * prefixes every transfer id, so a replay of the same settlement finds the first one instead of paying twice.
 */
export interface Payable {
  reference: string;
  payerId: string;
  payeeId: string;
  paymentMethod: 'cash' | 'wallet' | 'card';
  /** Ledger kind of the payer → payee movement. */
  fareKind: 'trip_fare' | 'service_fee';
}

const payableOf = (trip: TripRow): Payable => ({
  reference: `trip:${trip.id}`,
  payerId: trip.rider_id,
  payeeId: trip.driver_id!,
  paymentMethod: trip.payment_method,
  fareKind: 'trip_fare',
});

/** Every account a settlement may touch, locked in id order up front: the decision below reads them. */
async function lockSettlementAccounts(tx: Tx, job: Payable, creditLimit: number): Promise<Accounts> {
  const rider = await ensureWallet(tx, { ownerId: job.payerId, kind: 'rider_wallet' });
  const driver = await ensureWallet(tx, { ownerId: job.payeeId, kind: 'driver_wallet', creditLimit });
  const dues = await findDuesAccount(tx, job.payerId);
  const sys = await systemAccounts(tx);
  const ids = [rider.id, driver.id, sys.platform_revenue, sys.cash_clearing, ...(dues ? [dues.id] : [])];
  const locked = await lockAccountStates(tx, ids);
  return {
    rider: locked.get(rider.id)!,
    driver: locked.get(driver.id)!,
    dues: dues && locked.get(dues.id),
    platformRevenue: sys.platform_revenue,
    cashClearing: sys.cash_clearing,
  };
}

/** Wallet job: the fare goes rider → driver and the commission driver → platform, all or nothing. */
function walletTransfers(job: Payable, a: Accounts, fare: number, commission: number): MoveInput[] {
  const { reference } = job;
  return [
    {
      id: `${reference}:fare`,
      type: 'posted',
      debitAccountId: a.rider.id,
      creditAccountId: a.driver.id,
      amount: fare,
      kind: job.fareKind,
      reference,
    },
    // The fare lands first, so this can only dip into the credit limit a driver who already owed had.
    {
      id: `${reference}:commission`,
      type: 'posted',
      debitAccountId: a.driver.id,
      creditAccountId: a.platformRevenue,
      amount: commission,
      kind: 'commission',
      reference,
      overdraft: 'credit_limit',
    },
  ];
}

/**
 * Cash (or a wallet that could not pay): the driver holds the fare, so the
 * driver's wallet owes the commission, down to its credit limit. Whatever does
 * not fit is booked to cash clearing (collected from the driver in cash) so
 * the wallet floor holds and the trip still completes.
 */
function cashTransfers(job: Payable, a: Accounts, commission: number): { transfers: MoveInput[]; overflow: number } {
  const { reference } = job;
  const room = Math.max(0, availableOf(a.driver) + a.driver.creditLimit);
  const fromWallet = Math.min(commission, room);
  const overflow = commission - fromWallet;
  const transfers: MoveInput[] = [];
  if (fromWallet > 0) {
    transfers.push({
      id: `${reference}:commission`,
      type: 'posted',
      debitAccountId: a.driver.id,
      creditAccountId: a.platformRevenue,
      amount: fromWallet,
      kind: 'commission',
      reference,
      overdraft: 'credit_limit',
    });
  }
  if (overflow > 0) {
    transfers.push({
      id: `${reference}:commission_cash`,
      type: 'posted',
      debitAccountId: a.cashClearing,
      creditAccountId: a.platformRevenue,
      amount: overflow,
      kind: 'commission',
      reference,
    });
  }
  return { transfers, overflow };
}

/**
 * A paid trip also pays the rider's earlier dues (issue 15): a wallet trip
 * from what the wallet has left after the fare, a cash trip in cash with the
 * fare (the driver collects it, cash clearing books it). The receipt shows
 * it as `previous_dues` (payments.settledDuesOf).
 */
function duesClearing(trip: TripRow, a: Accounts, walletPays: boolean, fare: number): MoveInput[] {
  const owed = duesOwed(a.dues);
  if (!a.dues || owed === 0 || (trip.payment_method === 'wallet' && !walletPays)) return [];
  const amount = walletPays ? Math.min(owed, availableOf(a.rider) - fare) : owed;
  if (amount <= 0) return [];
  return [
    {
      id: duesClearedTransferId(trip.id),
      type: 'posted',
      debitAccountId: walletPays ? a.rider.id : a.cashClearing,
      creditAccountId: a.dues.id,
      amount,
      kind: 'dues',
      reference: `trip:${trip.id}`,
    },
  ];
}

async function tellBothToSettleInCash(jobs: JobQueue, tx: Tx, trip: TripRow, fare: number) {
  const data = { tripId: trip.id, amount: fare, currency: CURRENCY };
  await notify(tx, jobs, { userId: trip.rider_id, template: 'trip.payment_failed_pay_cash', data, priority: 'HIGH' });
  await notify(tx, jobs, {
    userId: trip.driver_id!,
    template: 'trip.payment_failed_collect_cash',
    data,
    priority: 'HIGH',
  });
}

/** The commission the trip was priced with; a trip from before migration 0014 uses the tariff in force now. */
export async function commissionBpsOf(deps: Pick<SettleTripDeps, 'pricing'>, trip: TripRow): Promise<number> {
  if (trip.commission_bps !== null) return trip.commission_bps;
  return (await deps.pricing.tariff(trip.vehicle_class as VehicleClass)).commissionBps;
}

/**
 * Moves a finished job's money (wallet: payer → payee and commission → platform; cash or a wallet that cannot
 * pay: the payee owes the commission, past the credit limit to cash clearing). `payment_failed` is a wallet
 * job its payer can no longer pay, collected in cash. Card jobs are settled by their checkout, not here.
 */
export async function payForJob(tx: Tx, a: { job: Payable; fare: number; commission: number; creditLimit: number }) {
  const { job, fare, commission } = a;
  const accounts = await lockSettlementAccounts(tx, job, a.creditLimit);
  const walletPays = job.paymentMethod === 'wallet' && availableOf(accounts.rider) >= fare;
  const outcome: SettlementOutcome = job.paymentMethod === 'wallet' && !walletPays ? 'payment_failed' : 'paid';
  const cash = walletPays ? { transfers: [], overflow: 0 } : cashTransfers(job, accounts, commission);
  const transfers = walletPays ? walletTransfers(job, accounts, fare, commission) : cash.transfers;
  await transferAll(
    tx,
    transfers.filter((t) => t.amount > 0),
  );
  return { outcome, walletPays, overflow: cash.overflow, accounts };
}

/**
 * Settles a trip inside the trip-completion transaction (one commit for the
 * status change and the money). Commission from the tariff the trip was
 * priced with (economy 15 %: 50.00 EGP → driver 42.50, platform 7.50). A wallet trip whose
 * rider can no longer pay is `payment_failed`: the fare is collected in cash
 * and both parties are told. Transfer ids derive from the trip, so a replay
 * finds the first settlement instead of paying twice.
 */
export async function settleTrip(deps: SettleTripDeps, { tx, trip }: { tx: Tx; trip: TripRow }): Promise<Settlement> {
  const fare = trip.fare_amount;
  const { commission, driverShare } = commissionSplit(fare, await commissionBpsOf(deps, trip));
  if (trip.payment_method === 'card' && fare > 0) {
    // Issue 15: the rider pays the final amount on Kashier's page; nothing moves until its webhook (or the deadline).
    const charge = {
      subject: tripSubject(trip.id),
      riderId: trip.rider_id,
      driverId: trip.driver_id!,
      fare,
      commission,
    };
    await deps.cardCheckout.open(tx, charge);
    return { outcome: 'paid', fare, commission, driverShare };
  }
  const job = payableOf(trip);
  const { outcome, walletPays, overflow, accounts } = await payForJob(tx, {
    job,
    fare,
    commission,
    creditLimit: deps.driverCreditLimit,
  });
  // Issue 15: a paid trip also clears the rider's earlier dues (service requests do not, yet).
  const dues = duesClearing(trip, accounts, walletPays, fare);
  if (dues.length > 0) await transferAll(tx, dues);
  if (overflow > 0) await alertCreditLimitExceeded(tx, { driverId: trip.driver_id!, tripId: trip.id, overflow });
  await recordSettlement(tx, {
    trip_id: trip.id,
    rider_id: trip.rider_id,
    driver_id: trip.driver_id!,
    method: trip.payment_method,
    outcome,
    fare,
    commission,
    driver_share: driverShare,
  });
  if (outcome === 'payment_failed') await tellBothToSettleInCash(deps.jobs, tx, trip, fare);
  return { outcome, fare, commission, driverShare };
}
