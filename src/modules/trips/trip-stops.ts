import type { Tx } from '../../platform/db/database.js';
import type { EventRecorder } from '../../platform/events/unit-of-work.js';
import { AppError, ErrorCode, conflict } from '../../platform/errors.js';
import { farStops } from '../../shared/index.js';
import { compareAndSetTrip, type TripRow, type TripStatus } from './trips.repo.js';

/** A stop as stored on the trip (`trips.stops`, migration 0027) and shown in its view. */
export interface TripStop {
  lat: number;
  lng: number;
  address?: string;
  arrivedAt?: string;
  leftAt?: string;
}

export type StopPlace = Pick<TripStop, 'lat' | 'lng' | 'address'>;
export type StopAction = 'arrived_stop' | 'left_stop';

/** Issue 16 #7: waiting at a stop is free for this long, then charged per started minute. */
export const FREE_STOP_WAIT_MS = 3 * 60_000;

/** Stops may change while the ride is on, as the destination may (the driver is already coming). */
const STOP_CHANGE_STATUSES: TripStatus[] = ['accepted', 'arrived', 'started'];

export function stopsOf(trip: Pick<TripRow, 'stops'>): TripStop[] {
  return Array.isArray(trip.stops) ? (trip.stops as TripStop[]) : [];
}

/** 422 when a stop is not on the way (more than 100 km from the pickup); nothing is written. */
export function assertStopsNear(trip: TripRow, stops: StopPlace[]): void {
  const far = farStops({ lat: trip.pickup_lat, lng: trip.pickup_lng }, stops);
  if (far.length === 0) return;
  throw new AppError(
    ErrorCode.VALIDATION_ERROR,
    'A stop is more than 100 km from the pickup',
    far.map((i) => ({ field: `body.stops.${i}`, message: 'too far from the pickup' })),
  );
}

/** 409 unless the trip's stops may change now. */
export function assertStopsChangeable(trip: TripRow): void {
  if (!STOP_CHANGE_STATUSES.includes(trip.status)) throw conflict(`Cannot change the stops of a ${trip.status} trip`);
}

const samePlace = (a: StopPlace, b: StopPlace) => a.lat === b.lat && a.lng === b.lng && a.address === b.address;
const sameStops = (old: TripStop[], next: StopPlace[]) =>
  old.length === next.length && old.every((stop, i) => samePlace(stop, next[i]!));

/**
 * The rider's new stops, applied (compare-and-set on the version). A stop
 * kept at the same place and position keeps the driver's marks; the same
 * list again changes nothing (a retried or doubled confirm). Completion
 * re-prices the trip with its tariff version (reason `stop_added`).
 */
export async function setTripStops(
  tx: Tx,
  events: EventRecorder,
  args: { trip: TripRow; stops: StopPlace[]; fare: { amount: number; items: unknown } },
): Promise<TripRow> {
  const { trip } = args;
  assertStopsChangeable(trip);
  const old = stopsOf(trip);
  if (sameStops(old, args.stops)) return trip; // a repeated confirm: already applied, nothing to do
  const stops = args.stops.map((s, i) => {
    const kept = old[i] && old[i].lat === s.lat && old[i].lng === s.lng ? old[i] : undefined;
    const place = s.address ? { lat: s.lat, lng: s.lng, address: s.address } : { lat: s.lat, lng: s.lng };
    return { ...place, arrivedAt: kept?.arrivedAt, leftAt: kept?.leftAt };
  });
  const updated = await compareAndSetTrip(tx, {
    id: trip.id,
    from: [trip.status],
    version: trip.version,
    set: {
      stops: JSON.stringify(stops),
      route_change: trip.route_change ?? 'stop_added',
      fare_amount: args.fare.amount,
      fare_items: JSON.stringify(args.fare.items),
    },
  });
  if (!updated) throw conflict('Trip changed meanwhile; reload and retry');
  await events.record({
    type: 'trip.stops_changed',
    aggregateType: 'trip',
    aggregateId: trip.id,
    actorId: trip.rider_id,
    payload: { tripId: trip.id, riderId: trip.rider_id, driverId: trip.driver_id, stops, version: updated.version },
  });
  return updated;
}

function stopStepError(trip: TripRow, index: number, action: StopAction): AppError | null {
  const stops = stopsOf(trip);
  if (trip.status !== 'started') return conflict(`Stops are marked during the ride, not on a ${trip.status} trip`);
  if (index >= stops.length)
    return new AppError(ErrorCode.VALIDATION_ERROR, `The trip has ${stops.length} stop(s)`, [
      { field: 'params.index', message: 'no such stop' },
    ]);
  const previous = stops[index - 1];
  if (action === 'arrived_stop' && previous && !previous.leftAt) return conflict(`Leave stop ${index - 1} first`);
  if (action === 'left_stop' && !stops[index]!.arrivedAt) return conflict(`Arrive at stop ${index} first`);
  return null;
}

/**
 * The driver marks a stop arrived or left (in ride order). Repeating a mark
 * answers with the trip as it is; the first time wins, so waiting is never
 * counted from a later retry.
 */
export async function markTripStop(
  tx: Tx,
  events: EventRecorder,
  args: { trip: TripRow; index: number; action: StopAction; at: Date },
): Promise<TripRow> {
  const { trip, index, action } = args;
  const error = stopStepError(trip, index, action);
  if (error) throw error;
  const field = action === 'arrived_stop' ? 'arrivedAt' : 'leftAt';
  const stops = stopsOf(trip);
  if (stops[index]![field]) return trip;
  const next = stops.map((s, i) => (i === index ? { ...s, [field]: args.at.toISOString() } : s));
  const updated = await compareAndSetTrip(tx, {
    id: trip.id,
    from: ['started'],
    version: trip.version,
    set: { stops: JSON.stringify(next) },
  });
  if (!updated) throw conflict('Trip changed meanwhile; reload and retry');
  await events.record({
    type: 'trip.stop_marked',
    aggregateType: 'trip',
    aggregateId: trip.id,
    actorId: trip.driver_id,
    payload: { tripId: trip.id, riderId: trip.rider_id, index, action, at: args.at.toISOString() },
  });
  return updated;
}

/** Chargeable waiting minutes: per stop, each started minute beyond the free 3 (a stop not left counts to `now`). */
export function stopWaitingMinutes(trip: Pick<TripRow, 'stops'>, now: Date): number {
  return stopsOf(trip).reduce((sum, stop) => {
    if (!stop.arrivedAt) return sum;
    const end = stop.leftAt ? new Date(stop.leftAt).getTime() : now.getTime();
    const over = end - new Date(stop.arrivedAt).getTime() - FREE_STOP_WAIT_MS;
    return sum + (over > 0 ? Math.ceil(over / 60_000) : 0);
  }, 0);
}
