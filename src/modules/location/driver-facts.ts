import type { DbHandle } from '../../platform/db/database.js';
import type { DriverPosition } from '../../platform/hotstate/index.js';
import { findProfile, type DriverProfileRow } from '../drivers/index.js';
import type { LookupGate } from './lookup-gate.js';

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
 * or a Redis outage left behind.
 */
export class DriverFactsCache {
  private readonly checkedAt = new Map<string, number>();

  constructor(private readonly db: DbHandle, private readonly gate: LookupGate) {}

  async get(driverId: string, indexed: DriverPosition | null): Promise<DriverFacts> {
    const now = Date.now();
    const checked = this.checkedAt.get(driverId);
    if (indexed && checked !== undefined && now - checked < FACTS_MAX_AGE_MS) {
      return { vehicleClass: indexed.vehicleClass, available: indexed.available };
    }
    const profile = await this.gate.run(`facts:${driverId}`, () => findProfile(this.db, driverId));
    if (this.checkedAt.size >= MAX_TRACKED) this.checkedAt.clear();
    this.checkedAt.set(driverId, now);
    return { vehicleClass: profile?.vehicle_class ?? UNKNOWN_CLASS, available: availableFromProfile(profile) };
  }
}
