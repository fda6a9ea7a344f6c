import { randomInt, randomUUID } from 'node:crypto';
import type { Db, DbHandle, Tx } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, conflict, notFound } from '../../platform/errors.js';
import type { EventRecorder } from '../../platform/events/unit-of-work.js';
import type { AuthUser } from '../../platform/http/route-config.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { driverCards } from '../drivers/index.js';
import { cardPaymentOfTrip } from '../payments/index.js';
import { generateOtp } from './trip-rules.js';
import { canSeeTrip, toTripView, type DriverSummary } from './trip-view.js';
import { readTripRow } from './trip-row-cache.js';
import { insertOffers } from './offers.repo.js';
import {
  compareAndSetTrip,
  findCurrentTrip,
  findTrip,
  insertTrip,
  listTrips,
  type NewTrip,
  type TripRow,
  type TripStatus,
} from './trips.repo.js';

export type Viewer = Pick<AuthUser, 'id' | 'role' | 'staffRoles'>;

export interface PricedRequest extends Omit<NewTrip, 'otp' | 'status'> {
  status: 'searching' | 'scheduled';
}

/**
 * Inserts the trip and its `trip.requested` event in one statement (the id is made here so the event can name it);
 * the partial unique index enforces one active trip per rider.
 */
export async function insertRequestedTrip(tx: Tx, events: EventRecorder, request: PricedRequest): Promise<TripRow> {
  const id = randomUUID();
  const event = {
    type: 'trip.requested' as const,
    aggregateType: 'trip',
    aggregateId: id,
    actorId: request.rider_id,
    payload: {
      tripId: id,
      riderId: request.rider_id,
      status: request.status,
      vehicleClass: request.vehicle_class,
      strategy: request.strategy,
    },
  };
  try {
    const write = insertTrip(tx, { ...request, id, otp: generateOtp(randomInt) });
    return (await events.recordWith<'trip.requested', TripRow>(event, write)).row;
  } catch (err) {
    if (isUniqueViolation(err, 'trips_one_active_per_rider')) throw conflict('Rider already has an active trip');
    throw err;
  }
}

export async function driverSummaries(db: DbHandle, driverIds: string[]): Promise<Map<string, DriverSummary>> {
  const cards = await driverCards(db, driverIds);
  return new Map(
    cards.map((c) => [c.id, { id: c.id, name: c.name, vehicle: c.vehicle, rating: Number(c.rating ?? 5) }]),
  );
}

export async function viewTrip(db: DbHandle, row: TripRow, viewer: Viewer | null) {
  const driver = row.driver_id ? (await driverSummaries(db, [row.driver_id])).get(row.driver_id) : undefined;
  const view = toTripView(row, viewer, driver);
  // Card trips carry their Kashier payment once completion opened it (null before).
  if (row.payment_method === 'card') view.payment = await cardPaymentOfTrip(db, row.id);
  return view;
}

/** GET /me/active-trip: the caller's current trip as the database holds it, or null. */
export async function currentTripOf(db: DbHandle, viewer: Viewer) {
  const row = await findCurrentTrip(db, viewer);
  return row ? viewTrip(db, row, viewer) : null;
}

/**
 * A trip the viewer may see, else 404 (never reveal that it exists). `kept`: the row may come from this node's
 * kept rows (trip-row-cache.ts; only for a reply, never for a flow that goes on to write).
 */
export async function getVisibleTrip(
  db: DbHandle,
  id: string,
  viewer: Viewer,
  opts: { kept?: boolean } = {},
): Promise<TripRow> {
  const row = opts.kept ? await readTripRow(id, () => findTrip(db, id)) : await findTrip(db, id);
  if (!row || !canSeeTrip(row, viewer)) throw notFound('Trip');
  return row;
}

export async function listTripsFor(
  db: Db,
  viewer: Viewer,
  query: { status?: TripStatus; limit: number; cursor?: string },
) {
  const rows = await listTrips(db, {
    userId: viewer.id,
    role: viewer.role,
    status: query.status,
    limit: query.limit,
    after: decodeCursor(query.cursor),
  });
  const { page, nextCursor } = pageOf(rows, query.limit);
  const drivers = await driverSummaries(
    db,
    page.flatMap((r) => (r.driver_id ? [r.driver_id] : [])),
  );
  return {
    items: page.map((r) => toTripView(r, viewer, r.driver_id ? drivers.get(r.driver_id) : undefined)),
    nextCursor,
  };
}

/** Moves a trip (CAS on status + version) and records `trip.status_changed`. */
export async function moveTrip(
  tx: Tx,
  events: EventRecorder,
  args: { trip: TripRow; to: TripStatus; actorId: string | null; set?: Partial<TripRow> },
): Promise<TripRow> {
  const { trip, to } = args;
  const updated = await compareAndSetTrip(tx, {
    id: trip.id,
    from: [trip.status],
    version: trip.version,
    set: { status: to, ...args.set },
  });
  if (!updated) throw conflict('Trip changed meanwhile; reload and retry');
  await events.record({
    type: 'trip.status_changed',
    aggregateType: 'trip',
    aggregateId: trip.id,
    actorId: args.actorId,
    payload: {
      tripId: trip.id,
      riderId: updated.rider_id,
      driverId: updated.driver_id,
      from: trip.status,
      to,
      version: updated.version,
      at: updated.updated_at.toISOString(),
    },
  });
  return updated;
}

/** Offers a searching trip to drivers (used by dispatch; tests call it directly). */
export async function offerTrip(
  tx: DbHandle,
  args: { tripId: string; driverIds: string[]; round: number; expiresAt: Date; distancesM?: Map<string, number> },
) {
  const trip = await findTrip(tx, args.tripId);
  if (!trip) throw notFound('Trip');
  if (trip.status !== 'searching') throw conflict(`Trip is ${trip.status}, not searching`);
  return insertOffers(
    tx,
    args.driverIds.map((driverId) => ({
      trip_id: args.tripId,
      driver_id: driverId,
      round: args.round,
      expires_at: args.expiresAt,
      distance_to_pickup_m: roundMetres(args.distancesM?.get(driverId)),
    })),
  );
}

const roundMetres = (m: number | undefined) => (m === undefined ? null : Math.max(0, Math.round(m)));

export function assertOtp(trip: TripRow, otp: string | undefined) {
  if (!otp || otp !== trip.otp) throw new AppError(ErrorCode.INVALID_OTP, 'Missing or wrong ride OTP');
}

/** Rider-made route changes are allowed while the ride is on (before pickup too: the driver is already coming). */
const ROUTE_CHANGE_STATUSES: TripStatus[] = ['accepted', 'arrived', 'started'];

/**
 * The rider sends the ride somewhere else (compare-and-set on the version).
 * The upfront price no longer holds: completion re-prices the trip with its
 * tariff version and the receipt gives the reason (`change`).
 */
export async function changeTripDestination(
  tx: Tx,
  events: EventRecorder,
  args: { trip: TripRow; dropoff: { lat: number; lng: number; address?: string }; change: 'destination_changed' },
): Promise<TripRow> {
  const { trip, dropoff } = args;
  if (!ROUTE_CHANGE_STATUSES.includes(trip.status))
    throw conflict(`Cannot change the destination of a ${trip.status} trip`);
  const updated = await compareAndSetTrip(tx, {
    id: trip.id,
    from: [trip.status],
    version: trip.version,
    set: {
      dropoff_lat: dropoff.lat,
      dropoff_lng: dropoff.lng,
      dropoff_address: dropoff.address ?? null,
      route_change: trip.route_change ?? args.change,
    },
  });
  if (!updated) throw conflict('Trip changed meanwhile; reload and retry');
  await events.record({
    type: 'trip.destination_changed',
    aggregateType: 'trip',
    aggregateId: trip.id,
    actorId: trip.rider_id,
    payload: {
      tripId: trip.id,
      riderId: trip.rider_id,
      driverId: trip.driver_id,
      dropoff: dropoff.address ? dropoff : { lat: dropoff.lat, lng: dropoff.lng },
      version: updated.version,
    },
  });
  return updated;
}
