/** Booking events (merged into the one event map). */
export {};

declare module '../../platform/events/event-map.js' {
  interface DomainEventMap {
    'booking.created': {
      bookingId: string;
      customerId: string;
      providerId: string;
      serviceType: string;
      startsAt: string;
      endsAt: string;
    };
    'booking.status_changed': {
      bookingId: string;
      customerId: string;
      providerId: string;
      from: string;
      to: string;
      by: string;
      reason: string | null;
    };
    'booking.deleted': { bookingId: string; by: string; reason: string | null };
    'booking.restored': { bookingId: string; by: string };
    'booking.hard_deleted': { bookingId: string; by: string };
  }
}
