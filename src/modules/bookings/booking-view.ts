import type { AuthUser } from '../../platform/http/route-config.js';
import type { BookingActor } from './booking-rules.js';
import type { BookingRow } from './bookings.repo.js';
import type { BookingView } from './bookings.schema.js';

export type Viewer = Pick<AuthUser, 'id' | 'role'>;

/** Customer, provider and admins may see a booking; everyone else gets 404. */
export function canSeeBooking(row: BookingRow, viewer: Viewer): boolean {
  return viewer.role === 'admin' || viewer.id === row.customer_id || viewer.id === row.provider_id;
}

/** The viewer's part in this booking; callers check visibility first. */
export function actorOf(row: BookingRow, viewer: Viewer): BookingActor {
  if (viewer.role === 'admin') return 'admin';
  return viewer.id === row.provider_id ? 'provider' : 'customer';
}

export function toBookingView(row: BookingRow, viewer: Viewer): BookingView {
  const view: BookingView = {
    id: row.id,
    customerId: row.customer_id,
    providerId: row.provider_id,
    serviceType: row.service_type,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    status: row.status,
    address: row.address,
    notes: row.notes,
    deletedAt: row.deleted_at ? row.deleted_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (viewer.role === 'admin' && row.deleted_at) {
    view.deletedBy = row.deleted_by;
    view.deletionReason = row.deletion_reason;
  }
  return view;
}
