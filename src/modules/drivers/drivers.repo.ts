import type { VehicleClass } from '../../shared/index.js';
import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

export type DriverState = 'offline' | 'available' | 'offered' | 'busy' | 'cooldown';

export interface Vehicle {
  make: string;
  model: string;
  plate: string;
  color: string;
}

interface DriverProfilesTable {
  user_id: string;
  vehicle_class: VehicleClass;
  vehicle: Vehicle;
  approved: Generated<boolean>;
  state: Generated<DriverState>;
  rating: Generated<number>;
  /** Ratings behind `rating` (issue 16; migration 0021). */
  ratings_count: Generated<number>;
  /** Mirrors the user's suspension for the offer claim (migration 0021). */
  suspended: Generated<boolean>;
  offers_received: Generated<number>;
  offers_accepted: Generated<number>;
  trips_completed: Generated<number>;
  cooldown_until: Date | null;
  /** Why an admin turned the application down, shown to the driver (migration 0053); cleared by a new profile. */
  rejection_reason: Generated<string | null>;
  rejected_at: Generated<Date | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type DriverProfileRow = Selectable<DriverProfilesTable>;

type DriverTables = { driver_profiles: DriverProfilesTable };

const q = (db: DbHandle) => db.withTables<DriverTables>();

/** Creates or replaces the vehicle of a profile; approval is kept only if nothing changed. */
export async function upsertProfile(
  db: DbHandle,
  userId: string,
  args: { vehicleClass: VehicleClass; vehicle: Vehicle },
) {
  return q(db)
    .insertInto('driver_profiles')
    .values({
      user_id: userId,
      vehicle_class: args.vehicleClass,
      vehicle: JSON.stringify(args.vehicle) as unknown as Vehicle,
    })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        vehicle_class: args.vehicleClass,
        vehicle: JSON.stringify(args.vehicle) as unknown as Vehicle,
        // A changed vehicle must be re-approved.
        approved: sql<boolean>`driver_profiles.approved AND driver_profiles.vehicle = excluded.vehicle AND
          driver_profiles.vehicle_class = excluded.vehicle_class`,
        // A new profile is the driver's answer to a rejection: it goes back into the queue.
        rejection_reason: null,
        rejected_at: null,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findProfile(db: DbHandle, userId: string) {
  return q(db).selectFrom('driver_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function findProfiles(db: DbHandle, userIds: string[]) {
  if (userIds.length === 0) return [];
  return q(db).selectFrom('driver_profiles').selectAll().where('user_id', 'in', userIds).execute();
}

export interface DriverCard {
  id: string;
  name: string;
  vehicle: Vehicle | null;
  rating: number | null;
}

/** What a trip view shows of its drivers (name, vehicle, rating), in one round trip. */
export async function findDriverCards(db: DbHandle, userIds: string[]): Promise<DriverCard[]> {
  if (userIds.length === 0) return [];
  const res = await sql<DriverCard>`
    SELECT u.id, u.name, p.vehicle, p.rating
    FROM users u LEFT JOIN driver_profiles p ON p.user_id = u.id
    WHERE u.id = ANY(${userIds}::uuid[])`.execute(db);
  return res.rows;
}

/** Profiles waiting for an admin's approval, oldest first (the console's onboarding queue). */
export async function listUnapprovedProfiles(db: DbHandle, limit: number) {
  return q(db)
    .selectFrom('driver_profiles')
    .selectAll()
    .where('approved', '=', false)
    .where('rejected_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/** Approves a profile not approved yet (compare-and-set: undefined when already approved or missing). */
export async function setApproved(db: DbHandle, userId: string) {
  return q(db)
    .updateTable('driver_profiles')
    .set({ approved: true, rejection_reason: null, rejected_at: null, updated_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('approved', '=', false)
    .returningAll()
    .executeTakeFirst();
}

/** Turns an application down with the reason the driver sees; an approved driver loses the approval. */
export async function setRejected(db: DbHandle, userId: string, reason: string) {
  return q(db)
    .updateTable('driver_profiles')
    .set({ approved: false, rejection_reason: reason, rejected_at: sql`now()`, updated_at: sql`now()` })
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

/** Drivers whose plate matches, compared without spaces or case (index driver_profiles_plate, migration 0053). */
export async function findDriverIdsByPlate(db: DbHandle, plate: string): Promise<string[]> {
  const rows = await q(db)
    .selectFrom('driver_profiles')
    .select('user_id')
    .where(sql<string>`upper(replace(vehicle->>'plate', ' ', ''))`, '=', plate.replace(/\s+/g, '').toUpperCase())
    .limit(50)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Moves a driver between states only from the listed ones (compare-and-set). */
export async function transitionState(
  db: DbHandle,
  args: { userId: string; from: DriverState[]; to: DriverState; cooldownUntil?: Date | null },
) {
  return q(db)
    .updateTable('driver_profiles')
    .set({ state: args.to, cooldown_until: args.cooldownUntil ?? null, updated_at: sql`now()` })
    .where('user_id', '=', args.userId)
    .where('state', 'in', args.from)
    .returningAll()
    .executeTakeFirst();
}

export async function recordOfferOutcome(db: DbHandle, userId: string, accepted: boolean) {
  await q(db)
    .updateTable('driver_profiles')
    .set((eb) => ({
      offers_received: eb('offers_received', '+', 1),
      offers_accepted: accepted ? eb('offers_accepted', '+', 1) : eb.ref('offers_accepted'),
    }))
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Moves up to `needed` of `rankedIds` (best first) that are available, or in
 * a cooldown that is over, to `offered` in one statement; returns them best
 * first. Rows another transaction holds (a concurrent round claiming the same
 * driver, an accept, a release) are skipped, not waited for: rounds of
 * different trips rank the same drivers in different orders, and claiming
 * one by one made them wait on each other and deadlock under bursts.
 */
export async function claimForOffer(tx: DbHandle, rankedIds: string[], needed: number): Promise<string[]> {
  if (rankedIds.length === 0 || needed <= 0) return [];
  const { rows } = await sql<{ user_id: string }>`
    UPDATE driver_profiles SET state = 'offered', cooldown_until = NULL, updated_at = now()
    WHERE user_id IN (
      SELECT user_id FROM driver_profiles
      WHERE user_id = ANY(${rankedIds}::uuid[])
        AND (state = 'available' OR (state = 'cooldown' AND (cooldown_until IS NULL OR cooldown_until <= now())))
        AND NOT suspended
      ORDER BY array_position(${rankedIds}::uuid[], user_id)
      LIMIT ${needed}
      FOR UPDATE SKIP LOCKED)
    RETURNING user_id`.execute(tx);
  const rank = new Map(rankedIds.map((id, i) => [id, i]));
  return rows.map((r) => r.user_id).sort((a, b) => rank.get(a)! - rank.get(b)!);
}

/**
 * Offers closed without an answer from these drivers: those still `offered`
 * go back to available, and with `missed` each one's offer counts as not
 * accepted. One statement, rows locked in id order (no lock-order cycles).
 */
export async function releaseOffered(tx: DbHandle, driverIds: string[], opts: { missed: boolean }): Promise<void> {
  if (driverIds.length === 0) return;
  await sql`
    UPDATE driver_profiles SET
      offers_received = offers_received + ${opts.missed ? 1 : 0},
      state = CASE WHEN state = 'offered' THEN 'available' ELSE state END,
      cooldown_until = CASE WHEN state = 'offered' THEN NULL ELSE cooldown_until END,
      updated_at = CASE WHEN state = 'offered' THEN now() ELSE updated_at END
    WHERE user_id IN (
      SELECT user_id FROM driver_profiles
      WHERE user_id = ANY(${driverIds}::uuid[]) AND (${opts.missed} OR state = 'offered')
      ORDER BY user_id
      FOR UPDATE)`.execute(tx);
}

/** The driver rating aggregate, written in the rating's transaction so dispatch reads it with the profile. */
export async function updateDriverRating(db: DbHandle, userId: string, agg: { rating: number; count: number }) {
  await q(db)
    .updateTable('driver_profiles')
    .set({ rating: agg.rating, ratings_count: agg.count, updated_at: sql`now()` })
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Suspending takes the driver off duty (a busy driver keeps the trip they
 * are on; the flag alone keeps every later claim away); lifting clears only
 * the flag: the driver signs in and goes online again.
 */
export async function setSuspended(db: DbHandle, userId: string, suspended: boolean) {
  return q(db)
    .updateTable('driver_profiles')
    .set((eb) => ({
      suspended,
      state: suspended ? sql<DriverState>`CASE WHEN state = 'busy' THEN state ELSE 'offline' END` : eb.ref('state'),
      cooldown_until: suspended ? null : eb.ref('cooldown_until'),
      updated_at: sql`now()`,
    }))
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

export async function incrementTripsCompleted(db: DbHandle, userId: string) {
  await q(db)
    .updateTable('driver_profiles')
    .set((eb) => ({ trips_completed: eb('trips_completed', '+', 1) }))
    .where('user_id', '=', userId)
    .execute();
}

/** Drivers not offline, per vehicle class and state (one pass over driver profiles; used on a metrics scrape). */
export async function countOnlineDrivers(
  db: DbHandle,
): Promise<Array<{ vehicle_class: VehicleClass; state: DriverState; n: number }>> {
  const rows = await q(db)
    .selectFrom('driver_profiles')
    .select((eb) => ['vehicle_class', 'state', eb.fn.countAll<number>().as('n')])
    .where('state', '<>', 'offline')
    .groupBy(['vehicle_class', 'state'])
    .execute();
  return rows.map((r) => ({ vehicle_class: r.vehicle_class, state: r.state, n: Number(r.n) }));
}
