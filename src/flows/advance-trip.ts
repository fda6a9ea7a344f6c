import { runUnitOfWork, type EventRecorder } from '../platform/events/unit-of-work.js';
import { conflict, forbidden } from '../platform/errors.js';
import type { Tx } from '../platform/db/database.js';
import { incrementTripsCompleted, transitionState } from '../modules/drivers/index.js';
import { assertOtp, canTransition, getVisibleTrip, moveTrip, viewTrip, type TripRow, type Viewer } from '../modules/trips/index.js';
import { settleTrip, type SettleTripDeps } from './settle-trip.js';
import type { UnitDeps } from './deps.js';

export interface AdvanceTripDeps extends UnitDeps {
  settlement: SettleTripDeps;
}

export interface AdvanceTripInput {
  actor: Viewer;
  tripId: string;
  status: DriverStep;
  /** The rider's 4-digit code, required to start. */
  otp?: string;
}

/** DESIGN: a driver rests 60 s after a trip before new offers. */
export const COOLDOWN_MS = 60_000;

export type DriverStep = 'arrived' | 'started' | 'completed';

/**
 * Completion settles the fare in the same transaction (issue 6). A wallet the
 * rider can no longer pay from ends the ride in `payment_failed` (moved by the
 * system; the fare is collected in cash), and the driver's call still gets 200.
 */
async function completeTrip(deps: SettleTripDeps, tx: Tx, events: EventRecorder, trip: TripRow, actorId: string) {
  const settlement = await settleTrip(deps, { tx, trip });
  const to = settlement.outcome === 'payment_failed' ? 'payment_failed' : 'completed';
  const done = await moveTrip(tx, events, { trip, to, actorId: to === 'completed' ? actorId : null, set: { completed_at: new Date() } });
  await transitionState(tx, { userId: trip.driver_id!, from: ['busy'], to: 'cooldown', cooldownUntil: new Date(Date.now() + COOLDOWN_MS) });
  await incrementTripsCompleted(tx, trip.driver_id!);
  return done;
}

/**
 * The assigned driver moves the ride along: arrived → started (rider's OTP) →
 * completed. Repeating the step that already happened answers with the trip
 * as it is (idempotent by trip, status and actor).
 */
export async function advanceTrip(deps: AdvanceTripDeps, input: AdvanceTripInput) {
  const { actor, tripId } = input;
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const trip = await getVisibleTrip(tx, tripId, actor);
    if (actor.id !== trip.driver_id) throw forbidden('Only the assigned driver can change this trip');
    if (trip.status === input.status) return trip;
    const verdict = canTransition(trip.status, input.status, 'driver');
    if (verdict !== 'ok') throw conflict(`Cannot go from ${trip.status} to ${input.status}`);
    if (input.status === 'started') assertOtp(trip, input.otp);
    if (input.status === 'completed') return completeTrip(deps.settlement, tx, events, trip, actor.id);
    const stamp = input.status === 'started' ? { started_at: new Date() } : {};
    return moveTrip(tx, events, { trip, to: input.status, actorId: actor.id, set: stamp });
  });
  return viewTrip(deps.db, row, actor);
}
