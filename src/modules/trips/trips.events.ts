/** Trip events (merged into the one event map). */
export {};

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
    'trip.bid_placed': { tripId: string; driverId: string; amount: number };
  }
}
