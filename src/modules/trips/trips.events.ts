/** Trip events (merged into the one event map). */
export type ReassignReason =
  'driver_cancelled' | 'driver_offline' | 'driver_silent' | 'start_deadline' | 'not_confirmed';
export type ScheduleStep = 'driver_reserved' | 'driver_confirmed' | 'backup_search';

declare module '../../platform/events/event-map.js' {
  interface DomainEventMap {
    'trip.requested': { tripId: string; riderId: string; status: string; vehicleClass: string; strategy: string };
    'trip.status_changed': {
      tripId: string;
      riderId: string;
      driverId: string | null;
      from: string;
      to: string;
      version: number;
      at: string;
    };
    'trip.offered': { tripId: string; driverId: string; round: number; expiresAt: string };
    'trip.cancelled': { tripId: string; by: string; reason: string; fee: number | null };
    'trip.offers_withdrawn': { tripId: string; driverIds: string[] };
    'trip.destination_changed': {
      tripId: string;
      riderId: string;
      driverId: string | null;
      dropoff: { lat: number; lng: number; address?: string };
      version: number;
    };
    /** Issue 16 #7: the rider's stops changed (applied with `confirm: true`). */
    'trip.stops_changed': {
      tripId: string;
      riderId: string;
      driverId: string | null;
      stops: Array<{ lat: number; lng: number; address?: string }>;
      version: number;
    };
    'trip.stop_marked': { tripId: string; riderId: string; index: number; action: string; at: string };
    'trip.bid_placed': { tripId: string; driverId: string; amount: number };
    /** A matched driver dropped the trip (cancel, offline, silence, missed deadline); it searches again. */
    'trip.reassigning': {
      tripId: string;
      riderId: string;
      droppedDriverId: string;
      reason: ReassignReason;
      version: number;
      at: string;
    };
    /** A step of a book-later trip the rider is told about. */
    'trip.schedule_update': {
      tripId: string;
      riderId: string;
      driverId: string | null;
      step: ScheduleStep;
      scheduledAt: string;
      confirmBy: string | null;
    };
  }
}
