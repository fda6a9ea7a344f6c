import { Counter } from 'prom-client';
import type { Db, DbHandle } from '../../platform/db/database.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import { pgCode } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, conflict, forbidden, notFound } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/bus.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { fitsWorkingHours, getProviderProfile } from '../providers/index.js';
import { noticeTo, scheduleReminder } from './booking-notices.js';
import { canMoveBooking } from './booking-rules.js';
import { actorOf, canSeeBooking, toBookingView, type Viewer } from './booking-view.js';
import {
  OVERLAP_CONSTRAINT,
  findLiveBooking,
  insertBooking,
  listLiveBookings,
  setLiveBookingStatus,
  type BookingRow,
  type NewBooking,
} from './bookings.repo.js';
import type { BookingStatus, CreateBookingInput } from './bookings.schema.js';

export interface BookingDeps {
  db: Db;
  bus: EventBus;
  jobs: JobQueue;
  reminderLeadMin: number;
}

const bookingsCreated = new Counter({
  name: 'smartline_bookings_created_total',
  help: 'Bookings created',
  registers: [metricsRegistry],
});
const slotConflicts = new Counter({
  name: 'smartline_booking_slot_conflicts_total',
  help: 'Booking creations or restores refused because the provider slot was taken (exclusion constraint, 409)',
  registers: [metricsRegistry],
});

const MAX_BOOKING_MS = 24 * 3600_000; // a service visit, not a rental: one day at most
const MAX_ADVANCE_MS = 365 * 24 * 3600_000; // providers do not plan further than a year

export function invalidField(field: string, message: string) {
  return new AppError(ErrorCode.VALIDATION_ERROR, message, [{ field, message }]);
}

/** 23P01 on the overlap constraint means somebody else holds the slot: 409. */
export function isSlotTaken(err: unknown): boolean {
  return pgCode(err) === '23P01' && (err as { constraint?: string }).constraint === OVERLAP_CONSTRAINT;
}

/** The 409 for a lost slot (counted: a rising rate means customers fight over the same providers). */
export function slotTaken(message: string) {
  slotConflicts.inc();
  return conflict(message);
}

function assertBookableWindow(startsAt: Date, endsAt: Date, now: Date) {
  if (startsAt.getTime() <= now.getTime()) throw invalidField('body.startsAt', 'startsAt must be in the future');
  if (startsAt.getTime() - now.getTime() > MAX_ADVANCE_MS)
    throw invalidField('body.startsAt', 'startsAt is more than a year ahead');
  if (endsAt.getTime() - startsAt.getTime() > MAX_BOOKING_MS)
    throw invalidField('body.endsAt', 'a booking lasts at most 24 hours');
}

async function insertOrConflict(tx: DbHandle, booking: NewBooking): Promise<BookingRow> {
  try {
    return await insertBooking(tx, booking);
  } catch (err) {
    if (isSlotTaken(err)) throw slotTaken('The provider is already booked for an overlapping time');
    throw err;
  }
}

/** A customer books a provider's slot; the exclusion constraint settles races (one winner, others 409). */
export async function createBooking(deps: BookingDeps, customer: Viewer, input: CreateBookingInput) {
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  assertBookableWindow(startsAt, endsAt, new Date());
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    // Bookings of one provider take turns on the profile row; the exclusion constraint still decides who wins.
    // Without it, two inserts can each find the other's uncommitted row and wait on each other: a deadlock that
    // Postgres breaks only after deadlock_timeout (1 s) (execIndexing.c), which withTransaction then retries,
    // so a 20-way burst can keep deadlocking until its retries are spent (most likely the 84 s / 19 x 503 CI run).
    const profile = await getProviderProfile(tx, input.providerId, { lock: true });
    if (!profile.service_types.includes(input.serviceType))
      throw invalidField('body.serviceType', 'the provider does not offer this service type');
    if (!fitsWorkingHours(profile.working_hours, startsAt, endsAt))
      throw invalidField('body.startsAt', "outside the provider's working hours");
    const booking = await insertOrConflict(tx, {
      customer_id: customer.id,
      provider_id: input.providerId,
      service_type: input.serviceType,
      starts_at: startsAt,
      ends_at: endsAt,
      address: input.address,
      notes: input.notes ?? null,
    });
    await events.record({
      type: 'booking.created',
      aggregateType: 'booking',
      aggregateId: booking.id,
      actorId: customer.id,
      payload: {
        bookingId: booking.id,
        customerId: booking.customer_id,
        providerId: booking.provider_id,
        serviceType: booking.service_type,
        startsAt: booking.starts_at.toISOString(),
        endsAt: booking.ends_at.toISOString(),
      },
    });
    await noticeTo(tx, deps.jobs, {
      row: booking,
      userIds: [booking.customer_id],
      template: 'booking_created',
      priority: 'NORMAL',
    });
    await noticeTo(tx, deps.jobs, {
      row: booking,
      userIds: [booking.provider_id],
      template: 'booking_requested',
      priority: 'HIGH',
    });
    await scheduleReminder(tx, deps.jobs, booking, deps.reminderLeadMin);
    return booking;
  });
  bookingsCreated.inc();
  return toBookingView(row, customer);
}

/** A live booking the viewer may see, else 404 (never reveal that it exists). */
export async function getVisibleBooking(
  db: DbHandle,
  id: string,
  viewer: Viewer,
  opts: { forUpdate?: boolean } = {},
): Promise<BookingRow> {
  const row = await findLiveBooking(db, id, opts);
  if (!row || !canSeeBooking(row, viewer)) throw notFound('Booking');
  return row;
}

export async function listBookingsFor(
  db: Db,
  viewer: Viewer,
  query: { status?: BookingStatus; limit: number; cursor?: string },
) {
  const rows = await listLiveBookings(db, {
    partyId: viewer.role === 'admin' ? undefined : viewer.id,
    status: query.status,
    limit: query.limit,
    after: decodeCursor(query.cursor),
  });
  const { page, nextCursor } = pageOf(rows, query.limit);
  return { items: page.map((r) => toBookingView(r, viewer)), nextCursor };
}

const NOTICE_ON: Partial<Record<BookingStatus, { template: string; to: 'both' | 'customer' | 'others' }>> = {
  confirmed: { template: 'booking_confirmed', to: 'both' },
  in_progress: { template: 'booking_started', to: 'customer' },
  completed: { template: 'booking_completed', to: 'customer' },
  cancelled: { template: 'booking_cancelled', to: 'others' },
};

function noticeRecipients(row: BookingRow, to: 'both' | 'customer' | 'others', actorId: string): string[] {
  if (to === 'customer') return [row.customer_id];
  const both = [row.customer_id, row.provider_id];
  return to === 'both' ? both : both.filter((id) => id !== actorId);
}

/**
 * Moves a booking along BOOKING_MOVES. Repeating the move that already
 * happened answers 200 with no side effects (idempotent by booking, status, actor).
 */
export async function changeBookingStatus(
  deps: BookingDeps,
  viewer: Viewer,
  id: string,
  input: { status: BookingStatus; reason?: string },
) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const booking = await getVisibleBooking(tx, id, viewer, { forUpdate: true });
    const actor = actorOf(booking, viewer);
    const verdict = canMoveBooking(booking.status, input.status, actor);
    if (verdict === 'bad_actor') throw forbidden(`A ${actor} cannot move a booking to ${input.status}`);
    if (booking.status === input.status) return booking;
    if (verdict === 'bad_state') throw conflict(`Booking is ${booking.status}; cannot move to ${input.status}`);
    const moved = await setLiveBookingStatus(tx, { id, from: booking.status, to: input.status });
    if (!moved) throw conflict('Booking changed meanwhile; reload and retry');
    await events.record({
      type: 'booking.status_changed',
      aggregateType: 'booking',
      aggregateId: id,
      actorId: viewer.id,
      payload: {
        bookingId: id,
        customerId: moved.customer_id,
        providerId: moved.provider_id,
        from: booking.status,
        to: moved.status,
        by: actor,
        reason: input.reason ?? null,
      },
    });
    const notice = NOTICE_ON[moved.status];
    if (notice) {
      const priority = moved.status === 'cancelled' ? 'HIGH' : 'NORMAL';
      await noticeTo(tx, deps.jobs, {
        row: moved,
        userIds: noticeRecipients(moved, notice.to, viewer.id),
        template: notice.template,
        priority,
      });
    }
    return moved;
  });
  return toBookingView(row, viewer);
}
