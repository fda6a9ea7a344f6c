import type { BookingStatus } from './bookings.schema.js';

export type BookingActor = 'customer' | 'provider' | 'admin';

interface Move {
  to: BookingStatus;
  from: BookingStatus[];
  actors: BookingActor[];
}

/**
 * Every allowed status change and who may make it (also in the OpenAPI
 * description of POST /bookings/:id/status). The provider runs the job; either party may cancel until
 * work starts; once in progress only an admin can cancel. Anything not listed
 * is refused: 403 when the actor may never make that move, 409 when the actor
 * could but the booking is in the wrong state.
 */
export const BOOKING_MOVES: readonly Move[] = [
  { to: 'confirmed', from: ['pending'], actors: ['provider', 'admin'] },
  { to: 'in_progress', from: ['confirmed'], actors: ['provider', 'admin'] },
  { to: 'completed', from: ['in_progress'], actors: ['provider', 'admin'] },
  { to: 'cancelled', from: ['pending', 'confirmed'], actors: ['customer', 'provider', 'admin'] },
  { to: 'cancelled', from: ['in_progress'], actors: ['admin'] },
];

/** Statuses whose slot is held and whose reminder should still fire. */
export const OPEN_STATUSES: readonly BookingStatus[] = ['pending', 'confirmed'];

export function canMoveBooking(
  from: BookingStatus,
  to: BookingStatus,
  actor: BookingActor,
): 'ok' | 'bad_actor' | 'bad_state' {
  const mine = BOOKING_MOVES.filter((m) => m.to === to && m.actors.includes(actor));
  if (mine.length === 0) return 'bad_actor';
  return mine.some((m) => m.from.includes(from)) ? 'ok' : 'bad_state';
}

/** Soft delete: the customer may delete their booking unless work is under way; admins always. */
export function canSoftDelete(status: BookingStatus, actor: BookingActor): 'ok' | 'bad_actor' | 'bad_state' {
  if (actor === 'admin') return 'ok';
  if (actor !== 'customer') return 'bad_actor';
  return status === 'in_progress' ? 'bad_state' : 'ok';
}
