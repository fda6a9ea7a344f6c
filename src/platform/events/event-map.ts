/**
 * Every domain event and its payload. The event store, the in-process bus and
 * the socket gateway all take names from here, so a typo does not compile.
 * Modules add their events to this map.
 */
export interface DomainEventMap {
  'user.signed_up': { userId: string; role: string };
  'trip.requested': { tripId: string; riderId: string; status: string; vehicleClass: string; strategy: string };
  'trip.status_changed': { tripId: string; riderId: string; driverId: string | null; from: string; to: string; version: number; at: string };
  'trip.offered': { tripId: string; driverId: string; round: number; expiresAt: string };
  'trip.cancelled': { tripId: string; by: string; reason: string; fee: number | null };
  'trip.offers_withdrawn': { tripId: string; driverIds: string[] };
  'trip.bid_placed': { tripId: string; driverId: string; amount: number };
  'booking.created': { bookingId: string; customerId: string; providerId: string; serviceType: string; startsAt: string; endsAt: string };
  'booking.status_changed': { bookingId: string; customerId: string; providerId: string; from: string; to: string; by: string; reason: string | null };
  'booking.deleted': { bookingId: string; by: string; reason: string | null };
  'booking.restored': { bookingId: string; by: string };
  'booking.hard_deleted': { bookingId: string; by: string };
  'user.erased': { userId: string };
  'wallet.deposit_paid': { depositId: string; userId: string; amount: number; held: boolean; reason: string | null };
  'wallet.withdrawal_requested': { withdrawalId: string; driverId: string; amount: number; status: string; reason: string | null };
  'wallet.withdrawal_resolved': { withdrawalId: string; driverId: string; amount: number; status: string; by: string | null };
}

export type DomainEventName = keyof DomainEventMap;

export interface DomainEvent<N extends DomainEventName = DomainEventName> {
  type: N;
  aggregateType: string;
  aggregateId: string;
  payload: DomainEventMap[N];
  actorId: string | null;
}

export interface StoredEvent<N extends DomainEventName = DomainEventName> extends DomainEvent<N> {
  id: number;
  seq: number;
  createdAt: Date;
}
