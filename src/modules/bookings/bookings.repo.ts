import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { BookingStatus } from './bookings.schema.js';

interface BookingsTable {
  id: Generated<string>;
  customer_id: string;
  provider_id: string;
  service_type: string;
  starts_at: Date;
  ends_at: Date;
  status: Generated<BookingStatus>;
  address: string;
  notes: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
  deleted_by: string | null;
  deletion_reason: string | null;
}

export type BookingRow = Selectable<BookingsTable>;
export type NewBooking = Pick<
  Insertable<BookingsTable>,
  'customer_id' | 'provider_id' | 'service_type' | 'starts_at' | 'ends_at' | 'address' | 'notes'
>;

/**
 * `bookings_live` (migration 0004) is the view without soft-deleted rows.
 * Every default read and change goes through `live()`; only the functions in
 * the "admin: soft-deleted rows" section below touch `bookings` itself.
 */
type BookingTables = { bookings: BookingsTable; bookings_live: BookingsTable };
const q = (db: DbHandle) => db.withTables<BookingTables>();
const live = (db: DbHandle) => q(db).selectFrom('bookings_live').selectAll();

export const OVERLAP_CONSTRAINT = 'bookings_no_overlap';

export async function insertBooking(db: DbHandle, booking: NewBooking): Promise<BookingRow> {
  return q(db).insertInto('bookings_live').values(booking).returningAll().executeTakeFirstOrThrow();
}

export async function findLiveBooking(db: DbHandle, id: string, opts: { forUpdate?: boolean } = {}) {
  const query = live(db).where('id', '=', id);
  return (opts.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export interface BookingPage {
  /** Only bookings where this user is customer or provider; undefined = all (admins). */
  partyId?: string;
  status?: BookingStatus;
  limit: number;
  after?: { createdAt: Date; id: string };
}

/** Keyset pagination, newest first; fetches one extra row to know if more exist. */
export async function listLiveBookings(db: DbHandle, page: BookingPage): Promise<BookingRow[]> {
  let query = live(db)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.partyId) {
    const partyId = page.partyId;
    query = query.where((eb) => eb.or([eb('customer_id', '=', partyId), eb('provider_id', '=', partyId)]));
  }
  if (page.status) query = query.where('status', '=', page.status);
  if (page.after) {
    const { createdAt, id } = page.after;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.execute();
}

/** Compare-and-set on status; undefined when the booking moved (or vanished) meanwhile. */
export async function setLiveBookingStatus(db: DbHandle, args: { id: string; from: BookingStatus; to: BookingStatus }) {
  return q(db)
    .updateTable('bookings_live')
    .set({ status: args.to, updated_at: sql<Date>`now()` })
    .where('id', '=', args.id)
    .where('status', '=', args.from)
    .returningAll()
    .executeTakeFirst();
}

/** Soft delete: only a live booking can be deleted, so a second delete finds nothing. */
export async function softDeleteBooking(db: DbHandle, args: { id: string; by: string; reason: string | null }) {
  return q(db)
    .updateTable('bookings_live')
    .set({
      deleted_at: sql<Date>`now()`,
      deleted_by: args.by,
      deletion_reason: args.reason,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', args.id)
    .returningAll()
    .executeTakeFirst();
}

/** Erasure: cancels a user's open bookings (either side); returns them with the status they had. */
export async function cancelOpenBookingsOf(
  db: DbHandle,
  userId: string,
): Promise<Array<BookingRow & { previous_status: BookingStatus }>> {
  const open = await live(db)
    .where((eb) => eb.or([eb('customer_id', '=', userId), eb('provider_id', '=', userId)]))
    .where('status', 'in', ['pending', 'confirmed'])
    .forUpdate()
    .execute();
  if (open.length === 0) return [];
  const previous = new Map(open.map((b) => [b.id, b.status]));
  const rows = await q(db)
    .updateTable('bookings_live')
    .set({ status: 'cancelled', updated_at: sql<Date>`now()` })
    .where('id', 'in', [...previous.keys()])
    .returningAll()
    .execute();
  return rows.map((r) => ({ ...r, previous_status: previous.get(r.id)! }));
}

export async function countInProgressBookingsOf(db: DbHandle, userId: string): Promise<number> {
  const row = await q(db)
    .selectFrom('bookings_live')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('customer_id', '=', userId), eb('provider_id', '=', userId)]))
    .where('status', '=', 'in_progress')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- admin: soft-deleted rows (and erasure, which must reach every row) ----

export async function findBookingIncludingDeleted(db: DbHandle, id: string, opts: { forUpdate?: boolean } = {}) {
  const query = q(db).selectFrom('bookings').selectAll().where('id', '=', id);
  return (opts.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

/** Soft-deleted bookings, most recently deleted first. */
export async function listDeletedBookings(
  db: DbHandle,
  args: { limit: number; after?: { createdAt: Date; id: string } },
) {
  let query = q(db)
    .selectFrom('bookings')
    .selectAll()
    .where('deleted_at', 'is not', null)
    .orderBy('deleted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.after) {
    const { createdAt: deletedAt, id } = args.after;
    query = query.where((eb) =>
      eb.or([eb('deleted_at', '<', deletedAt), eb.and([eb('deleted_at', '=', deletedAt), eb('id', '<', id)])]),
    );
  }
  return query.execute();
}

/** Undoes a soft delete; the exclusion constraint rejects it (23P01) if the slot was taken meanwhile. */
export async function restoreBooking(db: DbHandle, id: string) {
  return q(db)
    .updateTable('bookings')
    .set({ deleted_at: null, deleted_by: null, deletion_reason: null, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('deleted_at', 'is not', null)
    .returningAll()
    .executeTakeFirst();
}

/** Permanently removes an already soft-deleted booking; false if it was not soft-deleted. */
export async function hardDeleteBooking(db: DbHandle, id: string): Promise<boolean> {
  const res = await q(db)
    .deleteFrom('bookings')
    .where('id', '=', id)
    .where('deleted_at', 'is not', null)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Erasure: the customer's address and notes are personal data; the booking row stays. */
export async function scrubCustomerBookings(db: DbHandle, userId: string, placeholder: string): Promise<number> {
  const res = await q(db)
    .updateTable('bookings')
    .set({ address: placeholder, notes: null, updated_at: sql<Date>`now()` })
    .where('customer_id', '=', userId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
