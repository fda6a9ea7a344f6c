import type { DbHandle } from '../platform/db/database.js';
import type { HotState } from '../platform/hotstate/index.js';
import type { NotifyInput } from '../modules/notifications/index.js';
import { tripReceipt } from '../modules/payments/index.js';
import { estimateRoute } from '../modules/pricing/index.js';
import { driverSummaries, type TripRow } from '../modules/trips/index.js';

/** A trip step a rider or driver is told about on their phone (API.md "Trip progress notifications"). */
export type TripNotice = 'accepted' | 'arrived' | 'started' | 'completed' | 'no_drivers' | 'cancelled' | 'scheduled';

export interface TripNoticeJob {
  eventId: number;
  tripId: string;
  notice: TripNotice;
  /** `cancelled`: who cancelled and the fee charged (minor units), if any. */
  by?: string;
  fee?: number | null;
}

export interface NoticeContentDeps {
  /** The driver's last position (every node's, Redis when configured) for the ETA of `accepted`. */
  hotState: Pick<HotState, 'getDriverPosition'>;
}

type Notice = NotifyInput;

/** Name, "make model, colour" and plate of the trip's driver, as the rider needs them at the kerb. */
export async function driverCard(db: DbHandle, driverId: string | null) {
  const driver = driverId ? (await driverSummaries(db, [driverId])).get(driverId) : undefined;
  const vehicle = (driver?.vehicle ?? {}) as { make?: string; model?: string; color?: string; plate?: string };
  const car = [vehicle.make, vehicle.model].filter(Boolean).join(' ');
  return {
    driverName: driver?.name ?? '',
    vehicle: vehicle.color && car ? `${car}, ${vehicle.color}` : car,
    plate: vehicle.plate ?? '',
  };
}

async function etaMinutes(deps: NoticeContentDeps, trip: TripRow): Promise<number | undefined> {
  const position = trip.driver_id ? await deps.hotState.getDriverPosition(trip.driver_id) : null;
  if (!position) return undefined;
  const eta = estimateRoute(position, { lat: trip.pickup_lat, lng: trip.pickup_lng });
  return Math.max(1, Math.ceil(eta.durationS / 60));
}

/** The receipt's total (what the rider pays, re-pricing and waiting included), never the quote. */
async function receiptTotal(db: DbHandle, trip: TripRow) {
  const receipt = await tripReceipt(db, {
    viewer: { id: trip.rider_id, role: 'rider' },
    tripId: trip.id,
    language: 'en',
  });
  return { total: receipt.total, currency: receipt.currency };
}

function cancelNotices(trip: TripRow, job: TripNoticeJob): Notice[] {
  const data = { tripId: trip.id, fee: job.fee ?? null, currency: trip.fare_currency };
  // The side that cancelled knows; the other side is told. A driver's cancel is a reassignment (CRITICAL there).
  if (job.by === 'rider')
    return trip.driver_id
      ? [{ userId: trip.driver_id, template: 'trip.cancelled_by_rider', data, priority: 'HIGH' }]
      : [];
  if (job.by !== 'admin') return [];
  const parties = [trip.rider_id, ...(trip.driver_id ? [trip.driver_id] : [])];
  return parties.map((userId) => ({ userId, template: 'trip.cancelled_by_support', data, priority: 'HIGH' }));
}

/** What each party of the trip is sent for one step, read at send time (driver card, ETA, receipt). */
export async function noticesFor(
  db: DbHandle,
  deps: NoticeContentDeps,
  trip: TripRow,
  job: TripNoticeJob,
): Promise<Notice[]> {
  const tripId = trip.id;
  const rider = (template: string, data: Record<string, unknown>): Notice[] => [
    { userId: trip.rider_id, template, data: { tripId, ...data }, priority: 'HIGH' },
  ];
  switch (job.notice) {
    case 'accepted':
      return rider('trip.accepted', {
        ...(await driverCard(db, trip.driver_id)),
        etaMin: await etaMinutes(deps, trip),
      });
    case 'arrived':
      return rider('trip.arrived', await driverCard(db, trip.driver_id));
    case 'started':
      return rider('trip.started', {});
    case 'completed':
      return rider('trip.completed', await receiptTotal(db, trip));
    case 'no_drivers':
      return rider('trip.no_drivers', {});
    case 'scheduled':
      return trip.scheduled_at ? rider('trip.scheduled', { scheduledAt: trip.scheduled_at.toISOString() }) : [];
    case 'cancelled':
      return cancelNotices(trip, job);
  }
}
