import { runUnitOfWork, type EventRecorder } from '../platform/events/unit-of-work.js';
import { AppError, ErrorCode, conflict, forbidden } from '../platform/errors.js';
import { FailureLockout } from '../platform/failure-lockout.js';
import type { LimiterFactory } from '../platform/http/rate-limit.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import { notify } from '../modules/notifications/index.js';
import type { Tx } from '../platform/db/database.js';
import { driverStates } from '../modules/drivers/index.js';
import {
  assertOtp,
  canTransition,
  getVisibleTrip,
  moveTrip,
  viewTrip,
  type TripRow,
  type Viewer,
} from '../modules/trips/index.js';
import { settleTrip, type SettleTripDeps } from './settle-trip.js';
import type { UnitDeps } from './deps.js';
import type { LocationService } from '../modules/location/index.js';
import { finalFare } from './final-fare.js';

export interface AdvanceTripDeps extends UnitDeps {
  settlement: SettleTripDeps;
  /** Per-trip OTP lockout (createOtpLockout); the rider is told through `jobs`. */
  otpLockout: FailureLockout;
  jobs: JobQueue;
  /** How far the driver actually drove: completion compares it with the quote. */
  route: Pick<LocationService, 'travelledMeters'>;
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
async function completeTrip(
  deps: SettleTripDeps,
  tx: Tx,
  events: EventRecorder,
  { trip, actorId, travelledM }: { trip: TripRow; actorId: string; travelledM: number },
) {
  const now = new Date();
  // The quote is what the rider pays unless the ride no longer matches it; then the re-priced fare is settled.
  const repriced = await finalFare(deps, trip, { travelledM, now });
  const settlement = await settleTrip(deps, { tx, trip: repriced ? { ...trip, ...repriced } : trip });
  const to = settlement.outcome === 'payment_failed' ? 'payment_failed' : 'completed';
  const done = await moveTrip(tx, events, {
    trip,
    to,
    actorId: to === 'completed' ? actorId : null,
    set: { completed_at: now, ...repriced },
  });
  await driverStates.transition(tx, {
    userId: trip.driver_id!,
    from: ['busy'],
    to: 'cooldown',
    cooldownUntil: new Date(Date.now() + COOLDOWN_MS),
  });
  await driverStates.countCompletedTrip(tx, trip.driver_id!);
  return done;
}

/** Wrong ride OTPs per trip before starting it locks (a 4-digit code must not be guessable). */
export const OTP_FREE_ATTEMPTS = 5;
/** How long a trip start stays locked after the last free wrong OTP. */
export const OTP_LOCKOUT_S = 600;

/**
 * The per-job code lockout, counted in the app's shared limiter store: ride OTPs per trip, and (with its own
 * message) service-request completion codes per request, which are 4 digits too.
 */
export function createOtpLockout(
  limits: LimiterFactory,
  message = 'Too many wrong ride OTPs; starting this trip is locked for now',
): FailureLockout {
  return new FailureLockout(
    (points, durationS, role) => limits(role === 'attempts' ? 'otpAttempts' : 'otpStrikes', points, durationS),
    {
      freeAttempts: OTP_FREE_ATTEMPTS,
      windowS: OTP_LOCKOUT_S,
      baseBlockS: OTP_LOCKOUT_S,
      maxBlockS: OTP_LOCKOUT_S,
      code: ErrorCode.OTP_LOCKED,
      message,
    },
  );
}

/** Counts the attempt (429 OTP_LOCKED while locked); a wrong OTP that starts the lock reports it through `onLock`. */
async function checkRideOtp(lockout: FailureLockout, trip: TripRow, otp: string | undefined, onLock: () => void) {
  const attempt = await lockout.begin(`trip:${trip.id}`);
  try {
    assertOtp(trip, otp);
  } catch (err) {
    const lockedForS = await attempt.failed();
    if (!lockedForS) throw err;
    onLock();
    throw lockout.lockedFor(lockedForS);
  }
  await attempt.succeeded();
}

/** The rider hears of it (inbox, socket, push): someone is trying codes on their ride. */
async function tellRiderOtpLocked(deps: AdvanceTripDeps, trip: TripRow) {
  await runUnitOfWork(deps.db, deps.bus, async (tx) => {
    const data = { tripId: trip.id, lockedForS: OTP_LOCKOUT_S };
    await notify(tx, deps.jobs, { userId: trip.rider_id, template: 'trip.otp_locked', data, priority: 'HIGH' });
  });
}

/**
 * The assigned driver moves the ride along: arrived → started (rider's OTP) →
 * completed. Repeating the step that already happened answers with the trip
 * as it is (idempotent by trip, status and actor). Wrong OTPs lock the start
 * after OTP_FREE_ATTEMPTS.
 */
export async function advanceTrip(deps: AdvanceTripDeps, input: AdvanceTripInput) {
  const { actor, tripId } = input;
  let lockedTrip: TripRow | undefined;
  // Read before the transaction: it may flush this node's buffered fixes of the trip (its own commit).
  const travelledM = input.status === 'completed' ? await deps.route.travelledMeters(tripId) : 0;
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const trip = await getVisibleTrip(tx, tripId, actor);
    if (actor.id !== trip.driver_id) throw forbidden('Only the assigned driver can change this trip');
    if (trip.status === input.status) return trip;
    const verdict = canTransition(trip.status, input.status, 'driver');
    if (verdict !== 'ok') throw conflict(`Cannot go from ${trip.status} to ${input.status}`);
    if (input.status === 'started')
      await checkRideOtp(deps.otpLockout, trip, input.otp, () => {
        lockedTrip = trip;
      });
    if (input.status === 'completed')
      return completeTrip(deps.settlement, tx, events, { trip, actorId: actor.id, travelledM });
    const stamp = input.status === 'started' ? { started_at: new Date() } : {};
    return moveTrip(tx, events, { trip, to: input.status, actorId: actor.id, set: stamp });
  }).catch(async (err: unknown) => {
    // After the rollback: the refusal wrote nothing, the rider's notice is its own commit.
    if (lockedTrip && err instanceof AppError && err.code === ErrorCode.OTP_LOCKED)
      await tellRiderOtpLocked(deps, lockedTrip);
    throw err;
  });
  return viewTrip(deps.db, row, actor);
}
