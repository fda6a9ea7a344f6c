import { holdsGrant, STAFF_ACCESS, type AuthUser } from '../../platform/http/route-config.js';
import type { TripRow } from './trips.repo.js';
import type { TripView } from './trips.schema.js';
import { stopsOf } from './trip-stops.js';

export interface DriverSummary {
  id: string;
  name: string;
  vehicle: unknown;
  rating: number;
}

const OTP_VISIBLE: TripRow['status'][] = ['accepted', 'arrived'];

function place(lat: number, lng: number, address: string | null) {
  return address ? { lat, lng, address } : { lat, lng };
}

/** The wire shape of a trip for one viewer: only the rider ever sees the OTP. */
export function toTripView(
  row: TripRow,
  viewer: Pick<AuthUser, 'id' | 'role'> | null,
  driver?: DriverSummary,
): TripView {
  const view: TripView = {
    id: row.id,
    status: row.status,
    riderId: row.rider_id,
    driverId: row.driver_id,
    vehicleClass: row.vehicle_class as TripView['vehicleClass'],
    pickup: place(row.pickup_lat, row.pickup_lng, row.pickup_address),
    dropoff: place(row.dropoff_lat, row.dropoff_lng, row.dropoff_address),
    paymentMethod: row.payment_method,
    strategy: row.strategy,
    fare: { amount: row.fare_amount, currency: row.fare_currency, surge: Number(row.surge) },
    quoteId: row.quote_id,
    scheduledAt: row.scheduled_at ? row.scheduled_at.toISOString() : null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  const stops = stopsOf(row);
  if (stops.length > 0) view.stops = stops;
  if (row.scheduled_at) view.confirmedAt = row.confirmed_at ? row.confirmed_at.toISOString() : null;
  if (viewer?.id === row.rider_id && OTP_VISIBLE.includes(row.status)) view.otp = row.otp;
  if (row.cancellation) view.cancellation = row.cancellation as TripView['cancellation'];
  if (driver) view.driver = driver;
  return view;
}

/** Rider, assigned driver and staff who read trips (admin, dispatcher, support) see a trip; others get 404. */
export function canSeeTrip(row: TripRow, viewer: Pick<AuthUser, 'id' | 'role' | 'staffRoles'>): boolean {
  return (
    holdsGrant(viewer, STAFF_ACCESS.trips) ||
    viewer.id === row.rider_id ||
    (row.driver_id !== null && viewer.id === row.driver_id)
  );
}
