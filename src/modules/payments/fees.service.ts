import type { DbHandle } from '../../platform/db/database.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';
import { conflict, notFound } from '../../platform/errors.js';
import {
  availableOf,
  duesOwed,
  ensureDuesAccount,
  ensureWallet,
  lockAccountStates,
  systemAccounts,
  transferAll,
  type MoveInput,
  type TransferKind,
} from '../ledger/index.js';
import { recordRiderDues } from './dues.service.js';
import { insertCancellationFee, lockCancellationFee, markFeeWaived } from './fees.repo.js';
import type { CancellationFeeRow } from './payments.tables.js';

export interface CancellationFeeInput {
  tripId: string;
  riderId: string;
  driverId: string;
  amount: number;
  /** The platform's cut at the trip's tariff version (the driver keeps the rest). */
  commission: number;
  /** For a driver wallet created here (config DRIVER_CREDIT_LIMIT). */
  driverCreditLimit: number;
}

const FEE_LEG = 'cancel_fee';

/** Every account a fee or its waiver touches, created if new and locked in id order. */
async function lockFeeAccounts(
  tx: DbHandle,
  fee: Pick<CancellationFeeInput, 'riderId' | 'driverId'> & { limit: number },
) {
  const rider = await ensureWallet(tx, { ownerId: fee.riderId, kind: 'rider_wallet' });
  const driver = await ensureWallet(tx, { ownerId: fee.driverId, kind: 'driver_wallet', creditLimit: fee.limit });
  const dues = await ensureDuesAccount(tx, fee.riderId);
  const { platform_revenue } = await systemAccounts(tx);
  const locked = await lockAccountStates(tx, [rider.id, driver.id, dues.id, platform_revenue]);
  return { rider: locked.get(rider.id)!, driver: locked.get(driver.id)!, dues: locked.get(dues.id)!, platform_revenue };
}

/**
 * Charges a cancellation fee in the cancel transaction: rider → driver, then
 * the commission driver → platform. A wallet that cannot cover the whole fee
 * pays nothing now: the rider owes it (dues) and the next trip clears it.
 * Transfer ids and the fee row's key derive from the trip, so a replay finds
 * the first charge instead of charging again.
 */
export async function chargeCancellationFee(tx: DbHandle, fee: CancellationFeeInput): Promise<CancellationFeeRow> {
  const a = await lockFeeAccounts(tx, { ...fee, limit: fee.driverCreditLimit });
  const reference = `trip:${fee.tripId}`;
  const paidFrom = availableOf(a.rider) >= fee.amount ? 'wallet' : 'dues';
  if (paidFrom === 'dues') {
    await recordRiderDues(tx, {
      riderId: fee.riderId,
      amount: fee.amount,
      reference,
      creditAccount: a.driver.id,
      kind: 'cancellation_fee',
      transferId: `${reference}:${FEE_LEG}`,
    });
  }
  const moves: MoveInput[] = [];
  if (paidFrom === 'wallet') moves.push(leg(fee.tripId, FEE_LEG, { from: a.rider.id, to: a.driver.id }, fee.amount));
  if (fee.commission > 0) {
    const toPlatform = { from: a.driver.id, to: a.platform_revenue };
    moves.push(leg(fee.tripId, 'cancel_fee_commission', toPlatform, fee.commission, 'commission'));
  }
  await transferAll(tx, moves);
  return insertCancellationFee(tx, {
    trip_id: fee.tripId,
    rider_id: fee.riderId,
    driver_id: fee.driverId,
    amount: fee.amount,
    commission: fee.commission,
    paid_from: paidFrom,
  });
}

/**
 * One leg of a fee (or of its reversal), id `trip:<id>:<leg>`; a driver's side may dip into the credit limit, as
 * commissions do.
 */
function leg(
  tripId: string,
  name: string,
  accounts: { from: number; to: number },
  amount: number,
  kind: TransferKind = 'cancellation_fee',
): MoveInput {
  return {
    id: `trip:${tripId}:${name}`,
    type: 'posted',
    debitAccountId: accounts.from,
    creditAccountId: accounts.to,
    amount,
    kind,
    reference: `trip:${tripId}`,
    overdraft: 'credit_limit',
  };
}

export interface WaiveFeeInput {
  tripId: string;
  adminId: string;
  reason: string;
  driverCreditLimit: number;
}

/**
 * An admin waives a trip's fee, audited: the platform gives its commission
 * back to the driver and the driver gives the fee back to the rider — to the
 * dues account while the fee is still owed (clearing it), to the wallet for
 * whatever was paid. Once per fee (row lock + compare-and-set).
 */
export async function waiveCancellationFee(tx: DbHandle, input: WaiveFeeInput): Promise<CancellationFeeRow> {
  const fee = await lockCancellationFee(tx, input.tripId);
  if (!fee) throw notFound('Cancellation fee');
  if (fee.waived_at) throw conflict('This fee was already waived', { waivedAt: fee.waived_at.toISOString() });
  const a = await lockFeeAccounts(tx, {
    riderId: fee.rider_id,
    driverId: fee.driver_id,
    limit: input.driverCreditLimit,
  });
  const toDues = fee.paid_from === 'dues' ? Math.min(fee.amount, duesOwed(a.dues)) : 0;
  const toWallet = fee.amount - toDues;
  const moves: MoveInput[] = [];
  const trip = fee.trip_id;
  if (fee.commission > 0)
    moves.push(
      leg(trip, 'waive_commission', { from: a.platform_revenue, to: a.driver.id }, fee.commission, 'commission'),
    );
  if (toDues > 0) moves.push(leg(trip, 'waive_dues', { from: a.driver.id, to: a.dues.id }, toDues));
  if (toWallet > 0) moves.push(leg(trip, 'waive_wallet', { from: a.driver.id, to: a.rider.id }, toWallet));
  await transferAll(tx, moves);
  const waived = (await markFeeWaived(tx, { tripId: fee.trip_id, adminId: input.adminId, reason: input.reason }))!;
  await recordAudit(tx, {
    actorId: input.adminId,
    action: 'trip.fee_waived',
    targetType: 'trip',
    targetId: fee.trip_id,
    details: { amount: fee.amount, commission: fee.commission, toDues, toWallet },
  });
  return waived;
}

export function toFeeView(row: CancellationFeeRow) {
  return {
    tripId: row.trip_id,
    amount: row.amount,
    currency: 'EGP',
    paidFrom: row.paid_from,
    status: row.waived_at ? ('waived' as const) : ('charged' as const),
    waivedAt: row.waived_at ? row.waived_at.toISOString() : null,
    waiveReason: row.waive_reason,
  };
}
