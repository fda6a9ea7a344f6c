import type { TripStatus } from './trips.repo.js';

export type Actor = 'rider' | 'driver' | 'admin' | 'system';

export const ACTIVE_STATUSES: TripStatus[] = ['requested', 'scheduled', 'searching', 'accepted', 'arrived', 'started'];
export const TERMINAL_STATUSES: TripStatus[] = ['completed', 'cancelled', 'no_drivers', 'payment_failed'];

interface Transition {
  from: TripStatus[];
  actors: Actor[];
}

/**
 * Every allowed move and who may make it. Anything not listed is a 409.
 * `accepted` goes through the offer flow (driver-response), not /status.
 */
export const TRANSITIONS: Partial<Record<TripStatus, Transition>> = {
  // Back to searching from a match: a driver dropped it (reassignment) or a reservation was never confirmed.
  searching: { from: ['scheduled', 'requested', 'accepted', 'arrived'], actors: ['system'] },
  // A driver reserving a scheduled trip: it stays `scheduled`, now with a driver, until they confirm.
  scheduled: { from: ['searching'], actors: ['driver'] },
  // From `scheduled`: the reserving driver's confirmation (POST /trips/:id/confirm).
  accepted: { from: ['searching', 'scheduled'], actors: ['driver', 'system'] },
  arrived: { from: ['accepted'], actors: ['driver'] },
  started: { from: ['arrived'], actors: ['driver'] },
  completed: { from: ['started'], actors: ['driver', 'admin'] },
  no_drivers: { from: ['searching'], actors: ['system'] },
  payment_failed: { from: ['started'], actors: ['system'] },
};

/** Who may cancel in which state: riders and drivers until the ride starts, admins always. */
export const CANCEL_RULES: Record<Exclude<Actor, 'system'>, TripStatus[]> = {
  rider: ['requested', 'scheduled', 'searching', 'accepted', 'arrived'],
  driver: ['scheduled', 'accepted', 'arrived'],
  admin: ['requested', 'scheduled', 'searching', 'accepted', 'arrived', 'started'],
};

export function canTransition(from: TripStatus, to: TripStatus, actor: Actor): 'ok' | 'bad_state' | 'bad_actor' {
  const rule = TRANSITIONS[to];
  if (!rule || !rule.from.includes(from)) return 'bad_state';
  return rule.actors.includes(actor) ? 'ok' : 'bad_actor';
}

/** 4-digit ride OTP from a CSPRNG. */
export function generateOtp(randomInt: (max: number) => number): string {
  return String(randomInt(10_000)).padStart(4, '0');
}
