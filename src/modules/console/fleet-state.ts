import type { DriverPosition } from '../../platform/hotstate/index.js';
import type { TripOnMap } from '../trips/index.js';

/** Coordinates travel as integers of 1e-5° (≈ 1.1 m): shorter than floats, and jitter below that is not a move. */
const COORD_SCALE = 1e5;

/** a = available, o = offered (pending offer), t = on a trip, b = busy (off for offers, no trip). */
export type MarkerState = 'a' | 'o' | 't' | 'b';

/** [key, latE5, lngE5, state, atSeconds]: a moved or changed marker. */
export type MarkerUpdate = [number, number, number, MarkerState, number];
/** [key, driverId, classIndex]: a driver this feed names for the first time (keys stay until the feed resets). */
export type MarkerName = [number, string, number];
/** [tripId, driverKey, pickupLatE5, pickupLngE5, status]. */
export type TripLine = [string, number, number, number, TripOnMap['status']];

export interface FleetDelta {
  seq: number;
  at: number;
  /** Vehicle classes first seen in this delta, appended to the list the snapshot gave. */
  c?: string[];
  n?: MarkerName[];
  u?: MarkerUpdate[];
  /** Keys of drivers gone from hot state (offline). */
  r?: number[];
  t?: TripLine[];
  /** Trips no longer under way. */
  tr?: string[];
}

export interface FleetSnapshot {
  seq: number;
  at: number;
  classes: string[];
  names: MarkerName[];
  markers: MarkerUpdate[];
  trips: TripLine[];
}

type Changes = Required<Omit<FleetDelta, 'seq' | 'at'>>;

interface Marker {
  update: MarkerUpdate;
  driverId: string;
  vehicleClass: string;
}

/** A trip under way, before its driver has a key (keys are assigned while applying). */
export type EncodedTrip = Omit<TripOnMap, 'pickup'> & { latE5: number; lngE5: number };

export const encodeTrip = (trip: TripOnMap): EncodedTrip => ({
  id: trip.id,
  driverId: trip.driverId,
  status: trip.status,
  latE5: Math.round(trip.pickup.lat * COORD_SCALE),
  lngE5: Math.round(trip.pickup.lng * COORD_SCALE),
});

const sameUpdate = (a: MarkerUpdate, b: MarkerUpdate) => a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
const sameTrip = (a: TripLine, b: TripLine) => a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4];

/**
 * What one node last told its consoles, and the diff to the next reading. Drivers get small integer keys (a uuid
 * once, in `n`, then a number in every update), so a moved marker costs ~35 bytes of JSON.
 */
export class FleetState {
  private readonly keys = new Map<string, number>();
  private readonly markers = new Map<number, Marker>();
  private readonly classes: string[] = [];
  private trips = new Map<string, TripLine>();
  private seq = 0;
  private keyCounter = 0;

  reset(): void {
    this.keyCounter = 0;
    this.keys.clear();
    this.markers.clear();
    this.classes.length = 0;
    this.trips.clear();
  }

  snapshot(): FleetSnapshot {
    const markers = [...this.markers.entries()];
    return {
      seq: this.seq,
      at: Date.now(),
      classes: [...this.classes],
      names: markers.map(([key, m]) => [key, m.driverId, this.classes.indexOf(m.vehicleClass)]),
      markers: markers.map(([, m]) => m.update),
      trips: [...this.trips.values()],
    };
  }

  /** Applies a reading; the delta to send, or null when nothing a console shows changed. */
  apply(reading: { drivers: DriverPosition[]; trips: EncodedTrip[]; offered: Set<string> }): FleetDelta | null {
    const onTrip = new Set(reading.trips.map((t) => t.driverId));
    const delta: Changes = { c: [], n: [], u: [], r: [], t: [], tr: [] };
    const seen = new Set<number>();
    for (const d of reading.drivers) {
      const state: MarkerState = onTrip.has(d.driverId)
        ? 't'
        : reading.offered.has(d.driverId)
          ? 'o'
          : d.available
            ? 'a'
            : 'b';
      seen.add(this.applyDriver(d, state, delta));
    }
    for (const [key, m] of this.markers)
      if (!seen.has(key)) {
        this.markers.delete(key);
        this.keys.delete(m.driverId);
        delta.r.push(key);
      }
    this.applyTrips(reading.trips, delta);
    return this.finish(delta);
  }

  private applyDriver(d: DriverPosition, state: MarkerState, delta: Changes) {
    let key = this.keys.get(d.driverId);
    if (key === undefined) {
      key = this.nextKey();
      this.keys.set(d.driverId, key);
      delta.n.push([key, d.driverId, this.classIndex(d.vehicleClass, delta.c)]);
    }
    const at = Math.floor(d.at / 1000);
    const update: MarkerUpdate = [key, Math.round(d.lat * COORD_SCALE), Math.round(d.lng * COORD_SCALE), state, at];
    const before = this.markers.get(key);
    if (!before || !sameUpdate(before.update, update)) delta.u.push(update);
    this.markers.set(key, { update, driverId: d.driverId, vehicleClass: d.vehicleClass });
    return key;
  }

  private applyTrips(trips: EncodedTrip[], delta: Changes) {
    const next = new Map<string, TripLine>();
    for (const trip of trips) {
      const driverKey = this.keys.get(trip.driverId) ?? -1; // -1: the driver has no position in hot state
      const line: TripLine = [trip.id, driverKey, trip.latE5, trip.lngE5, trip.status];
      next.set(trip.id, line);
      const before = this.trips.get(trip.id);
      if (!before || !sameTrip(before, line)) delta.t.push(line);
    }
    for (const id of this.trips.keys()) if (!next.has(id)) delta.tr.push(id);
    this.trips = next;
  }

  private finish(delta: Changes): FleetDelta | null {
    const parts = Object.entries(delta).filter(([, v]) => v.length > 0);
    if (parts.length === 0) return null;
    return { seq: ++this.seq, at: Date.now(), ...Object.fromEntries(parts) };
  }

  private classIndex(vehicleClass: string, added: string[]): number {
    let index = this.classes.indexOf(vehicleClass);
    if (index === -1) {
      index = this.classes.push(vehicleClass) - 1;
      added.push(vehicleClass);
    }
    return index;
  }

  /** Keys are never reused while the feed lives, so a late delta cannot move another driver's marker. */
  private nextKey(): number {
    return this.keyCounter++;
  }
}
