import type { Db, DbHandle } from '../../platform/db/database.js';
import { forbidden, notFound } from '../../platform/errors.js';
import { userAccounts } from '../users/index.js';
import { forgetDriverCard } from './driver-cards.js';
import {
  claimForOffer,
  findProfile,
  findProfiles,
  incrementTripsCompleted,
  recordOfferOutcome,
  releaseOffered,
  setApproved,
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
  };
}

export async function saveProfile(db: Db, userId: string, input: { vehicleClass: VehicleClass; vehicle: Vehicle }) {
  const row = await upsertProfile(db, userId, input);
  forgetDriverCard(userId);
  return toDriverProfile(row);
}

export async function approveDriver(db: Db, userId: string) {
  const user = await userAccounts.findById(db, userId);
  if (!user || user.role !== 'driver') throw notFound('Driver');
  const row = await setApproved(db, userId);
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
export const driverProfiles = { findMany: findProfiles };
