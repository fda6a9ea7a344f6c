import type { TripRow } from './trips.repo.js';

export type Canceller = 'rider' | 'driver' | 'admin';

interface FeeRule {
  by: Canceller;
  status: TripRow['status'];
  /** Fee applies only when this long has passed since acceptance (grace period). */
  afterAcceptMs: number;
  fee: number; // piastres
}

/**
 * Who pays for cancelling, as data. A rider cancelling after a driver has
 * been on the way for 2 minutes, or has arrived, compensates the driver's
 * time; drivers and admins never charge the rider.
 */
export const CANCELLATION_FEES: FeeRule[] = [
  { by: 'rider', status: 'accepted', afterAcceptMs: 2 * 60_000, fee: 1_000 },
  { by: 'rider', status: 'arrived', afterAcceptMs: 0, fee: 2_000 },
];

export function cancellationFee(
  trip: Pick<TripRow, 'status' | 'accepted_at'>,
  by: Canceller,
  now: Date,
): number | null {
  const sinceAccept = trip.accepted_at ? now.getTime() - trip.accepted_at.getTime() : 0;
  const rule = CANCELLATION_FEES.find((r) => r.by === by && r.status === trip.status && sinceAccept >= r.afterAcceptMs);
  return rule ? rule.fee : null;
}
