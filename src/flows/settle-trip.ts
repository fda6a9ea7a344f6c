import type { Tx } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import type { VehicleClass } from '../shared/index.js';
import { commissionSplit, type PricingService } from '../modules/pricing/index.js';
import {
  CURRENCY,
  availableOf,
  ensureWallet,
  lockAccountStates,
  systemAccounts,
  transferAll,
  type AccountState,
  type MoveInput,
} from '../modules/ledger/index.js';
import { alertCreditLimitExceeded, recordSettlement } from '../modules/payments/index.js';
import { notify } from '../modules/notifications/index.js';
import type { TripRow } from '../modules/trips/index.js';

export interface SettleTripDeps {
  jobs: JobQueue;
  /** Piastres of cash commission a driver wallet may owe (config DRIVER_CREDIT_LIMIT). */
  driverCreditLimit: number;
  /** Only for trips priced before the trip recorded its commission (migration 0014). */
  pricing: Pick<PricingService, 'tariff'>;
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
  platformRevenue: number;
  cashClearing: number;
}

/** Every account a settlement may touch, locked in id order up front: the decision below reads them. */
async function lockSettlementAccounts(tx: Tx, trip: TripRow, creditLimit: number): Promise<Accounts> {
  const rider = await ensureWallet(tx, { ownerId: trip.rider_id, kind: 'rider_wallet' });
  const driver = await ensureWallet(tx, { ownerId: trip.driver_id!, kind: 'driver_wallet', creditLimit });
  const sys = await systemAccounts(tx);
  const locked = await lockAccountStates(tx, [rider.id, driver.id, sys.platform_revenue, sys.cash_clearing]);
  return {
    rider: locked.get(rider.id)!,
    driver: locked.get(driver.id)!,
    platformRevenue: sys.platform_revenue,
    cashClearing: sys.cash_clearing,
  };
}

/** Wallet trip: the fare goes rider → driver and the commission driver → platform, all or nothing. */
function walletTransfers(trip: TripRow, a: Accounts, fare: number, commission: number): MoveInput[] {
  const reference = `trip:${trip.id}`;
  return [
    {
      id: `trip:${trip.id}:fare`,
      type: 'posted',
      debitAccountId: a.rider.id,
      creditAccountId: a.driver.id,
      amount: fare,
      kind: 'trip_fare',
      reference,
    },
    // The fare lands first, so this can only dip into the credit limit a driver who already owed had.
    {
      id: `trip:${trip.id}:commission`,
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
function cashTransfers(trip: TripRow, a: Accounts, commission: number): { transfers: MoveInput[]; overflow: number } {
  const reference = `trip:${trip.id}`;
  const room = Math.max(0, availableOf(a.driver) + a.driver.creditLimit);
  const fromWallet = Math.min(commission, room);
  const overflow = commission - fromWallet;
  const transfers: MoveInput[] = [];
  if (fromWallet > 0) {
    transfers.push({
      id: `trip:${trip.id}:commission`,
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
      id: `trip:${trip.id}:commission_cash`,
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
async function commissionBpsOf(deps: SettleTripDeps, trip: TripRow): Promise<number> {
  if (trip.commission_bps !== null) return trip.commission_bps;
  return (await deps.pricing.tariff(trip.vehicle_class as VehicleClass)).commissionBps;
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
  const accounts = await lockSettlementAccounts(tx, trip, deps.driverCreditLimit);
  const walletPays = trip.payment_method === 'wallet' && availableOf(accounts.rider) >= fare;
  const outcome: SettlementOutcome = trip.payment_method === 'wallet' && !walletPays ? 'payment_failed' : 'paid';
  const cash = walletPays ? { transfers: [], overflow: 0 } : cashTransfers(trip, accounts, commission);
  const transfers = walletPays ? walletTransfers(trip, accounts, fare, commission) : cash.transfers;
  await transferAll(
    tx,
    transfers.filter((t) => t.amount > 0),
  );
  if (cash.overflow > 0)
    await alertCreditLimitExceeded(tx, { driverId: trip.driver_id!, tripId: trip.id, overflow: cash.overflow });
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
