import type { Db } from '../../platform/db/database.js';
import { conflict, forbidden, notFound } from '../../platform/errors.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';
import { noticeTo, scheduleReminder } from './booking-notices.js';
import { OPEN_STATUSES, canSoftDelete } from './booking-rules.js';
import { actorOf, toBookingView, type Viewer } from './booking-view.js';
import {
  findBookingIncludingDeleted,
  hardDeleteBooking,
  listDeletedBookings,
  restoreBooking,
  softDeleteBooking,
  type BookingRow,
} from './bookings.repo.js';
import { getVisibleBooking, isSlotTaken, slotTaken, type BookingDeps } from './bookings.service.js';

/** What the audit log keeps about a booking: ids and times, never the address or notes. */
function auditDetails(row: BookingRow) {
  return {
    customerId: row.customer_id,
    providerId: row.provider_id,
    serviceType: row.service_type,
    status: row.status,
    startsAt: row.starts_at.toISOString(),
  };
}

/**
 * Soft delete by the owning customer or an admin: the row stays (for restore
 * and audit) but disappears from every default read and frees its slot.
 * The provider of an open booking is told it is off.
 */
export async function softDelete(deps: BookingDeps, viewer: Viewer, id: string, reason: string | null) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const booking = await getVisibleBooking(tx, id, viewer, { forUpdate: true });
    const verdict = canSoftDelete(booking.status, actorOf(booking, viewer));
    if (verdict === 'bad_actor') throw forbidden('Only the customer or an admin can delete a booking');
    if (verdict === 'bad_state')
      throw conflict('A booking in progress cannot be deleted; ask the provider to complete it');
    const deleted = await softDeleteBooking(tx, { id, by: viewer.id, reason });
    if (!deleted) throw notFound('Booking');
    await events.record({
      type: 'booking.deleted',
      aggregateType: 'booking',
      aggregateId: id,
      actorId: viewer.id,
      payload: { bookingId: id, by: viewer.id, reason },
    });
    await recordAudit(tx, {
      actorId: viewer.id,
      action: 'booking.soft_deleted',
      targetType: 'booking',
      targetId: id,
      details: { ...auditDetails(booking), reason },
    });
    if (OPEN_STATUSES.includes(booking.status)) {
      const others = [deleted.customer_id, deleted.provider_id].filter((u) => u !== viewer.id);
      await noticeTo(tx, deps.jobs, { row: deleted, userIds: others, template: 'booking_cancelled', priority: 'HIGH' });
    }
    return deleted;
  });
  return toBookingView(row, viewer);
}

/** Admin: brings a soft-deleted booking back, unless its slot was taken meanwhile (409). */
export async function restore(deps: BookingDeps, admin: Viewer, id: string) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const existing = await findBookingIncludingDeleted(tx, id, { forUpdate: true });
    if (!existing) throw notFound('Booking');
    if (!existing.deleted_at) throw conflict('Booking is not deleted');
    const restored = await restoreBooking(tx, id).catch((err: unknown) => {
      if (isSlotTaken(err)) throw slotTaken('The slot was booked by someone else meanwhile; it cannot be restored');
      throw err;
    });
    if (!restored) throw conflict('Booking changed meanwhile; reload and retry');
    await events.record({
      type: 'booking.restored',
      aggregateType: 'booking',
      aggregateId: id,
      actorId: admin.id,
      payload: { bookingId: id, by: admin.id },
    });
    await recordAudit(tx, {
      actorId: admin.id,
      action: 'booking.restored',
      targetType: 'booking',
      targetId: id,
      details: auditDetails(restored),
    });
    if (OPEN_STATUSES.includes(restored.status)) await scheduleReminder(tx, deps.jobs, restored, deps.reminderLeadMin);
    return restored;
  });
  return toBookingView(row, admin);
}

/** Admin: soft-deleted bookings, most recently deleted first. */
export async function listDeleted(db: Db, admin: Viewer, query: { limit: number; cursor?: string }) {
  const rows = await listDeletedBookings(db, { limit: query.limit, after: decodeCursor(query.cursor) });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > query.limit && last?.deleted_at ? encodeCursor(last.deleted_at, last.id) : null;
  return { items: page.map((r) => toBookingView(r, admin)), nextCursor };
}

/** Admin: permanently removes a booking that is already soft-deleted (else 409). */
export async function hardDelete(deps: BookingDeps, admin: Viewer, id: string): Promise<void> {
  await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const existing = await findBookingIncludingDeleted(tx, id, { forUpdate: true });
    if (!existing) throw notFound('Booking');
    if (!existing.deleted_at) throw conflict('Only a soft-deleted booking can be hard-deleted; delete it first');
    if (!(await hardDeleteBooking(tx, id))) throw conflict('Booking changed meanwhile; reload and retry');
    await events.record({
      type: 'booking.hard_deleted',
      aggregateType: 'booking',
      aggregateId: id,
      actorId: admin.id,
      payload: { bookingId: id, by: admin.id },
    });
    await recordAudit(tx, {
      actorId: admin.id,
      action: 'booking.hard_deleted',
      targetType: 'booking',
      targetId: id,
      details: {
        ...auditDetails(existing),
        deletedAt: existing.deleted_at.toISOString(),
        deletedBy: existing.deleted_by,
      },
    });
  });
}
