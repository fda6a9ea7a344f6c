import type { Db } from '../platform/db/database.js';
import { notFound } from '../platform/errors.js';
import { driverProfiles, toDriverProfile } from '../modules/drivers/index.js';
import { locationHistory } from '../modules/location/index.js';
import { driverDayEarnings, reportDayOf } from '../modules/payments/index.js';
import { tripReports } from '../modules/trips/index.js';
import { userAccounts } from '../modules/users/index.js';

/** Fixes further apart than this are time offline (presence lapses 30 s after the last fix; one missed beat is ok). */
const ONLINE_MAX_GAP_S = 60;

/**
 * Issue 19.5: one driver for the console — who they are, their vehicle and standing, and their day so far (local
 * report day): trips completed, net earnings, offers answered and accepted, and online time from their stored fixes.
 * Reads across drivers, users, trips, payments and location, hence a flow.
 */
export async function driverOverview(db: Db, driverId: string, now = new Date()) {
  const [user, [profile]] = await Promise.all([
    userAccounts.findById(db, driverId),
    driverProfiles.findMany(db, [driverId]),
  ]);
  if (!user || user.role !== 'driver' || !profile) throw notFound('Driver');
  const day = await reportDayOf(db, now);
  const range = { driverId, from: day.from, to: day.to };
  const [activity, earnings, onlineSeconds] = await Promise.all([
    tripReports.driverActivityBetween(db, range),
    driverDayEarnings(db, { driverId, day }),
    locationHistory.onlineSecondsBetween(db, { ...range, maxGapS: ONLINE_MAX_GAP_S }),
  ]);
  const { offersAnswered, offersAccepted } = activity;
  return {
    driver: {
      ...toDriverProfile(profile),
      name: user.name,
      phone: user.phone,
      createdAt: user.created_at.toISOString(),
    },
    today: {
      day: day.day,
      tripsCompleted: activity.tripsCompleted,
      earnings: { amount: earnings.net, currency: earnings.currency },
      offersAnswered,
      offersAccepted,
      acceptance: offersAnswered > 0 ? Math.round((offersAccepted / offersAnswered) * 1000) / 1000 : null,
      onlineSeconds,
    },
  };
}
