import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

export type VehicleClass = 'economy' | 'comfort' | 'premium' | 'xl';
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
  offers_received: Generated<number>;
  offers_accepted: Generated<number>;
  trips_completed: Generated<number>;
  cooldown_until: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type DriverProfileRow = Selectable<DriverProfilesTable>;

type DriverTables = { driver_profiles: DriverProfilesTable };

const q = (db: DbHandle) => db.withTables<DriverTables>();

/** Creates or replaces the vehicle of a profile; approval is kept only if nothing changed. */
export async function upsertProfile(db: DbHandle, userId: string, args: { vehicleClass: VehicleClass; vehicle: Vehicle }) {
  return q(db)
    .insertInto('driver_profiles')
    .values({ user_id: userId, vehicle_class: args.vehicleClass, vehicle: JSON.stringify(args.vehicle) as unknown as Vehicle })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        vehicle_class: args.vehicleClass,
        vehicle: JSON.stringify(args.vehicle) as unknown as Vehicle,
        // A changed vehicle must be re-approved.
        approved: sql<boolean>`driver_profiles.approved AND driver_profiles.vehicle = excluded.vehicle AND driver_profiles.vehicle_class = excluded.vehicle_class`,
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

export async function setApproved(db: DbHandle, userId: string) {
  return q(db)
    .updateTable('driver_profiles')
    .set({ approved: true, updated_at: sql`now()` })
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

/** Moves a driver between states only from the listed ones (compare-and-set). */
export async function transitionState(db: DbHandle, args: { userId: string; from: DriverState[]; to: DriverState; cooldownUntil?: Date | null }) {
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

export async function incrementTripsCompleted(db: DbHandle, userId: string) {
  await q(db).updateTable('driver_profiles').set((eb) => ({ trips_completed: eb('trips_completed', '+', 1) })).where('user_id', '=', userId).execute();
}

/** Drivers not offline, per vehicle class and state (one pass over driver profiles; used on a metrics scrape). */
export async function countOnlineDrivers(db: DbHandle): Promise<Array<{ vehicle_class: VehicleClass; state: DriverState; n: number }>> {
  const rows = await q(db)
    .selectFrom('driver_profiles')
    .select((eb) => ['vehicle_class', 'state', eb.fn.countAll<number>().as('n')])
    .where('state', '<>', 'offline')
    .groupBy(['vehicle_class', 'state'])
    .execute();
  return rows.map((r) => ({ vehicle_class: r.vehicle_class, state: r.state, n: Number(r.n) }));
}
