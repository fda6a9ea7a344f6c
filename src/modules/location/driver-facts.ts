import type { DbHandle } from '../../platform/db/database.js';
import type { DriverPosition, HotState } from '../../platform/hotstate/index.js';
import { type DriverProfileRow, driverProfiles } from '../drivers/index.js';
import type { BatchLoader, LookupGate } from '../../platform/db/lookup-gate.js';

/** A driver without a profile yet: indexed so its position is known, never shown (nearby re-checks Postgres). */
export const UNKNOWN_CLASS = 'unknown';
/** How long a node trusts the vehicle class / availability it copied into hot state before re-reading Postgres. */
const FACTS_MAX_AGE_MS = 60_000;
const MAX_TRACKED = 200_000;

export interface DriverFacts {
  vehicleClass: string;
  /** "May be shown": approved and neither offline nor on a trip. Postgres has the final word at query time. */
  available: boolean;
}

/** Hot-state availability from the Postgres driver state (cooldown counts: nearby re-checks cooldown_until). */
export function availableFromProfile(p: Pick<DriverProfileRow, 'approved' | 'state'> | undefined): boolean {
  return !!p && p.approved && p.state !== 'offline' && p.state !== 'busy';
}

/**
 * The facts a hot-state position carries. Trip and availability events keep
 * them current; re-reading Postgres now and then heals anything a lost event
 * or a Redis outage left behind. Only a driver hot state does not know yet
 * waits for Postgres; the periodic re-read runs beside the ack, never in
 * front of it (it would put a query in front of one fix in twenty).
 */
export class DriverFactsCache {
  private readonly checkedAt = new Map<string, number>();
  /** A vehicle class the background re-read found changed, for the driver's next fix. */
  private readonly classChanges = new Map<string, string>();
  /** Misses of many drivers at once (a fleet reconnecting) share one query. */
  private readonly profiles: BatchLoader<DriverProfileRow>;

  constructor(
    db: DbHandle,
    gate: LookupGate,
    private readonly hotState: HotState,
  ) {
    this.profiles = gate.loader(
      'driver facts',
      async (ids) => new Map((await driverProfiles.findMany(db, ids)).map((p) => [p.user_id, p])),
    );
  }

  async get(driverId: string, indexed: DriverPosition | null): Promise<DriverFacts> {
    const now = Date.now();
    const checked = this.checkedAt.get(driverId);
    if (indexed && checked !== undefined) {
      if (now - checked >= FACTS_MAX_AGE_MS) this.refresh(driverId, indexed, now);
      const changed = this.classChanges.get(driverId);
      if (changed !== undefined) this.classChanges.delete(driverId);
      return { vehicleClass: changed ?? indexed.vehicleClass, available: indexed.available };
    }
    let profile: DriverProfileRow | undefined;
    try {
      profile = await this.profiles.load(driverId);
    } catch {
      // Postgres is sick (logged by the loader): keep the position flowing with what hot state knows, retry next fix.
      return indexed
        ? { vehicleClass: indexed.vehicleClass, available: indexed.available }
        : { vehicleClass: UNKNOWN_CLASS, available: false };
    }
    this.track(driverId, now);
    return { vehicleClass: profile?.vehicle_class ?? UNKNOWN_CLASS, available: availableFromProfile(profile) };
  }

  /** Availability goes to hot state as soon as Postgres answers (as an event would); a new class rides the next fix. */
  private refresh(driverId: string, indexed: DriverPosition, now: number): void {
    this.track(driverId, now); // one re-read per period, answered or not (a failure is logged by the loader)
    this.profiles
      .load(driverId)
      .then(
        async (profile) => {
          const vehicleClass = profile?.vehicle_class ?? UNKNOWN_CLASS;
          if (vehicleClass !== indexed.vehicleClass) this.classChanges.set(driverId, vehicleClass);
          await this.hotState.setDriverAvailability(driverId, availableFromProfile(profile));
        },
        () => {},
      )
      .catch(() => {}); // a hot-state hiccup: the next re-read heals it
  }

  private track(driverId: string, now: number): void {
    if (this.checkedAt.size >= MAX_TRACKED) {
      this.checkedAt.clear();
      this.classChanges.clear();
    }
    this.checkedAt.set(driverId, now);
  }
}
