import type { Db, DbHandle } from '../../platform/db/database.js';
import type { EventBus } from '../../platform/events/bus.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import './drivers.events.js';
import { forbidden, notFound } from '../../platform/errors.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { userAccounts } from '../users/index.js';
import { forgetDriverCard } from './driver-cards.js';
import {
  listUnapprovedProfiles,
  claimForOffer,
  findProfile,
  findProfiles,
  incrementTripsCompleted,
  recordOfferOutcome,
  releaseOffered,
  setApproved,
  setRejected,
  findDriverIdsByPlate,
  setSuspended,
  updateDriverRating,
  transitionState,
  upsertProfile,
  type DriverProfileRow,
  type Vehicle,
} from './drivers.repo.js';
import type { VehicleClass } from '../../shared/index.js';

/** Smoothed so a new driver (few offers) is not judged on one decline. */
const ACCEPTANCE_PRIOR = { accepted: 4, received: 5 };

export function acceptanceRate(row: Pick<DriverProfileRow, 'offers_accepted' | 'offers_received'>): number {
  const rate = (row.offers_accepted + ACCEPTANCE_PRIOR.accepted) / (row.offers_received + ACCEPTANCE_PRIOR.received);
  return Math.round(rate * 1000) / 1000;
}

export function toDriverProfile(row: DriverProfileRow) {
  return {
    userId: row.user_id,
    vehicleClass: row.vehicle_class,
    vehicle: row.vehicle,
    approved: row.approved,
    state: row.state,
    rating: Number(row.rating),
    acceptanceRate: acceptanceRate(row),
    suspended: row.suspended,
    rejectionReason: row.rejection_reason,
    rejectedAt: row.rejected_at?.toISOString() ?? null,
  };
}

export async function saveProfile(db: Db, userId: string, input: { vehicleClass: VehicleClass; vehicle: Vehicle }) {
  const row = await upsertProfile(db, userId, input);
  forgetDriverCard(userId);
  return toDriverProfile(row);
}

/** The onboarding queue: drivers who filled in a profile and wait for approval, oldest first. */
export async function pendingDrivers(db: Db, limit: number) {
  return (await listUnapprovedProfiles(db, limit)).map(toDriverProfile);
}

/**
 * Approves a driver's profile; the first approval records `driver.approved`
 * in the same transaction (a repeat answers the profile and records nothing).
 */
export async function approveDriver(deps: { db: Db; bus: EventBus }, input: { userId: string; adminId: string }) {
  return runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const user = await userAccounts.findById(tx, input.userId);
    if (!user || user.role !== 'driver') throw notFound('Driver');
    const approved = await setApproved(tx, input.userId);
    const row = approved ?? (await findProfile(tx, input.userId));
    if (!row) throw notFound('Driver profile');
    const driver = toDriverProfile(row);
    if (approved)
      await events.record({
        type: 'driver.approved',
        aggregateType: 'driver',
        aggregateId: input.userId,
        actorId: input.adminId,
        payload: { driver },
      });
    return driver;
  });
}

/** Issue 19.5: the application is turned down with a reason the driver reads on their profile. */
export async function rejectDriver(db: Db, args: { userId: string; reason: string; by: string }) {
  const user = await userAccounts.findById(db, args.userId);
  if (!user || user.role !== 'driver') throw notFound('Driver');
  const row = await withTransaction(db, async (tx) => {
    const rejected = await setRejected(tx, args.userId, args.reason);
    if (rejected)
      await recordAudit(tx, {
        actorId: args.by,
        action: 'driver.rejected',
        targetType: 'user',
        targetId: args.userId,
        details: { reason: args.reason },
      });
    return rejected;
  });
  if (!row) throw notFound('Driver profile');
  forgetDriverCard(args.userId);
  return toDriverProfile(row);
}

/** The caller's own profile, with the rejection reason when an admin turned it down. */
export async function myDriverProfile(db: DbHandle, userId: string) {
  const row = await findProfile(db, userId);
  if (!row) throw notFound('Driver profile');
  return toDriverProfile(row);
}

/**
 * Going online needs an approved profile; going offline is allowed from any
 * state except while on a trip (busy). Offers are released by the caller's flow.
 */
export async function setAvailability(db: DbHandle, userId: string, available: boolean) {
  const profile = await findProfile(db, userId);
  if (!profile) throw notFound('Driver profile');
  if (available && !profile.approved) throw forbidden('Driver is not approved yet');
  if (available && profile.suspended) throw forbidden('Account suspended');
  const row = available
    ? await transitionState(db, { userId, from: ['offline', 'cooldown', 'available'], to: 'available' })
    : await transitionState(db, { userId, from: ['available', 'offered', 'cooldown', 'offline'], to: 'offline' });
  return { state: (row ?? profile).state };
}

export async function getDriverProfile(db: DbHandle, userId: string) {
  const row = await findProfile(db, userId);
  if (!row) throw notFound('Driver profile');
  return row;
}

/**
 * The driver state machine (offline → available → offered → busy → cooldown)
 * as compare-and-set updates, and the counters matching scores with, for
 * dispatch rounds and trip flows in their own transactions.
 */
export const driverStates = {
  transition: transitionState,
  claimForOffer,
  releaseOffered,
  recordOfferOutcome,
  countCompletedTrip: incrementTripsCompleted,
};

/** Profiles of many drivers at once (candidate scoring, nearby). */
export const driverProfiles = { findMany: findProfiles, idsByPlate: findDriverIdsByPlate };

/** What trust flows write on a driver's profile: the rating aggregate and the suspension mirror. */
export const driverStanding = { setRating: updateDriverRating, setSuspended };
