import { holdsGrant, STAFF_ACCESS } from '../../platform/http/route-config.js';
import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { commissionSplit, itemsTotal, labelItems, type FareItem, type LabelLanguage } from '../pricing/index.js';
import { getVisibleTrip, type TripRow, type Viewer } from '../trips/index.js';
import { settledDuesOf } from './dues.service.js';
import { findSettlement } from './finance.repo.js';
import type { Receipt } from './receipt.schema.js';
import { tripMoneySummary } from './trip-money.service.js';

/** A finished ride has a receipt; `payment_failed` is a finished ride whose fare was collected in cash. */
const RIDE_DONE: TripRow['status'][] = ['completed', 'payment_failed'];

interface Charge {
  items: FareItem[];
  total: number;
  reason: Receipt['reason'];
  /** The platform's share and the driver's, when known. */
  split: { commission: number; driverShare: number };
}

const feeOf = (trip: TripRow) => (trip.cancellation as { fee?: { amount: number } | null } | null)?.fee?.amount ?? null;

function notAvailable(trip: TripRow): AppError {
  return new AppError(
    ErrorCode.RECEIPT_NOT_AVAILABLE,
    `No receipt: the trip is ${trip.status} and nothing was charged`,
    {
      status: trip.status,
    },
  );
}

/** The stored lines when they add up to the fare; a trip priced before lines were kept shows one line. */
function rideItems(trip: TripRow): FareItem[] {
  const stored = Array.isArray(trip.fare_items) ? (trip.fare_items as FareItem[]) : null;
  if (stored && itemsTotal(stored) === trip.fare_amount) return stored;
  return [{ code: 'base', amount: trip.fare_amount }];
}

async function chargeOf(db: DbHandle, trip: TripRow): Promise<Charge> {
  if (RIDE_DONE.includes(trip.status)) {
    const settlement = await findSettlement(db, trip.id);
    const split = settlement
      ? { commission: settlement.commission, driverShare: settlement.driver_share }
      : commissionSplit(trip.fare_amount, trip.commission_bps ?? 0);
    // Dues this trip's settlement cleared are charged with it: one more line, and in the total.
    const dues = await settledDuesOf(db, trip.id);
    const items = dues > 0 ? [...rideItems(trip), { code: 'previous_dues' as const, amount: dues }] : rideItems(trip);
    return { items, total: trip.fare_amount + dues, reason: trip.fare_reason, split };
  }
  const fee = trip.status === 'cancelled' ? feeOf(trip) : null;
  if (fee === null) throw notAvailable(trip);
  // The fee is split at the trip's own commission (its tariff version), like its fare would have been.
  return {
    items: [{ code: 'cancellation_fee', amount: fee }],
    total: fee,
    reason: 'cancelled',
    split: commissionSplit(fee, trip.commission_bps ?? 0),
  };
}

/**
 * `GET /trips/:id/receipt`: what was quoted, what was charged line by line
 * and why they differ, and the money that moved (payments, tip, refunds).
 * Rider, the trip's driver and admins (others 404); the driver's and
 * admin's view add the commission and the driver's earnings.
 */
export async function tripReceipt(
  db: DbHandle,
  args: { viewer: Viewer; tripId: string; language: LabelLanguage },
): Promise<Receipt> {
  const trip = await getVisibleTrip(db, args.tripId, args.viewer);
  const charge = await chargeOf(db, trip);
  const money = await tripMoneySummary(db, trip.id);
  const receipt: Receipt = {
    tripId: trip.id,
    currency: trip.fare_currency,
    quoted: trip.quoted_fare ?? trip.fare_amount,
    items: labelItems(charge.items, args.language),
    total: charge.total,
    reason: charge.reason,
    paymentMethod: trip.payment_method,
    ...money,
    tariffVersion: trip.tariff_version,
    issuedAt: (trip.completed_at ?? trip.updated_at).toISOString(),
  };
  if (holdsGrant(args.viewer, STAFF_ACCESS.trips) || args.viewer.id === trip.driver_id) {
    receipt.commission = charge.split.commission;
    receipt.driverEarnings = charge.split.driverShare;
  }
  return receipt;
}
