import type { DriverPosition } from '../../platform/hotstate/index.js';
import { SERVICE_TYPES, type LatLng, type ServiceType } from '../../shared/index.js';
import type { TripOnMap } from '../trips/index.js';

/** Coordinates travel as integers of 1e-5° (≈ 1.1 m): shorter than floats, and jitter below that is not a move. */
const COORD_SCALE = 1e5;

/** a = available, o = offered (pending offer), t = on a trip or a service job, b = busy (off for offers, no job). */
export type MarkerState = 'a' | 'o' | 't' | 'b';

/** [key, latE5, lngE5, state, atSeconds]: a moved or changed marker. */
export type MarkerUpdate = [number, number, number, MarkerState, number];
/**
 * [key, driverId, classIndex, servicesMask]: a driver named for the first time (keys stay until the feed resets),
 * or again when their class or approved services changed. Bit i of the mask = approved for `services[i]`.
 */
export type MarkerName = [number, string, number, number];
/** What a line leads to: a trip's pickup, or a service request's breakdown point. */
export type JobKind = 'trip' | 'service_request';
/** [jobId, driverKey, targetLatE5, targetLngE5, status, kind]. */
export type TripLine = [string, number, number, number, string, JobKind];

/** A job a driver or provider holds, as the map draws it: a line from them to where the job is. */
export interface JobOnMap {
  id: string;
  driverId: string;
  status: string;
  kind: JobKind;
  target: LatLng;
}

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
  /** Trips and service jobs no longer under way. */
  tr?: string[];
}

export interface FleetSnapshot {
  seq: number;
  at: number;
  classes: string[];
  /** The service types the names' masks index (shared/service-type.ts). */
  services: string[];
  names: MarkerName[];
  markers: MarkerUpdate[];
  trips: TripLine[];
}

type Changes = Required<Omit<FleetDelta, 'seq' | 'at'>>;

interface Marker {
  update: MarkerUpdate;
  driverId: string;
  vehicleClass: string;
  services: number;
}

/** A job under way, before its driver has a key (keys are assigned while applying). */
export type EncodedTrip = Omit<JobOnMap, 'target'> & { latE5: number; lngE5: number };

export const encodeJob = (job: JobOnMap): EncodedTrip => ({
  id: job.id,
  driverId: job.driverId,
  status: job.status,
  kind: job.kind,
  latE5: Math.round(job.target.lat * COORD_SCALE),
  lngE5: Math.round(job.target.lng * COORD_SCALE),
});

export const encodeTrip = (trip: TripOnMap): EncodedTrip =>
  encodeJob({ id: trip.id, driverId: trip.driverId, status: trip.status, kind: 'trip', target: trip.pickup });

/** Approved service types as the bit mask names carry (bit i = SERVICE_TYPES[i]). */
export const servicesMask = (types: readonly ServiceType[]): number =>
  types.reduce((mask, type) => mask | (1 << SERVICE_TYPES.indexOf(type)), 0);

/** What the feed reads each tick; `services` maps a provider to their approved services mask (none if absent). */
export interface FleetReading {
  drivers: DriverPosition[];
  trips: EncodedTrip[];
  offered: Set<string>;
  services?: ReadonlyMap<string, number>;
}

const sameUpdate = (a: MarkerUpdate, b: MarkerUpdate) => a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
const sameTrip = (a: TripLine, b: TripLine) => a.every((v, i) => v === b[i]);

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
      services: [...SERVICE_TYPES],
      names: markers.map(([key, m]) => [key, m.driverId, this.classes.indexOf(m.vehicleClass), m.services]),
      markers: markers.map(([, m]) => m.update),
      trips: [...this.trips.values()],
    };
  }

  /** Applies a reading; the delta to send, or null when nothing a console shows changed. */
  apply(reading: FleetReading): FleetDelta | null {
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
      seen.add(this.applyDriver(d, { state, services: reading.services?.get(d.driverId) ?? 0 }, delta));
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

  private applyDriver(d: DriverPosition, now: { state: MarkerState; services: number }, delta: Changes) {
    let key = this.keys.get(d.driverId);
    if (key === undefined) {
      key = this.nextKey();
      this.keys.set(d.driverId, key);
    }
    const before = this.markers.get(key);
    if (!before || before.vehicleClass !== d.vehicleClass || before.services !== now.services)
      delta.n.push([key, d.driverId, this.classIndex(d.vehicleClass, delta.c), now.services]);
    const at = Math.floor(d.at / 1000);
    const latLng = [Math.round(d.lat * COORD_SCALE), Math.round(d.lng * COORD_SCALE)] as const;
    const update: MarkerUpdate = [key, ...latLng, now.state, at];
    if (!before || !sameUpdate(before.update, update)) delta.u.push(update);
    this.markers.set(key, { update, driverId: d.driverId, vehicleClass: d.vehicleClass, services: now.services });
    return key;
  }

  private applyTrips(trips: EncodedTrip[], delta: Changes) {
    const next = new Map<string, TripLine>();
    for (const trip of trips) {
      const driverKey = this.keys.get(trip.driverId) ?? -1; // -1: the driver has no position in hot state
      const line: TripLine = [trip.id, driverKey, trip.latE5, trip.lngE5, trip.status, trip.kind];
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
