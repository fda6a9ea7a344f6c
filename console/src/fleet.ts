/**
 * The live map's model: applies the server's fleet:watch snapshot and fleet:delta messages (src/modules/console/
 * fleet-state.ts) to a marker table. A gap in `seq` means a delta was missed: the caller re-watches for a snapshot.
 */
export type MarkerState = 'a' | 'o' | 't' | 'b';
type MarkerUpdate = [number, number, number, MarkerState, number];
/** [jobId, driverKey, targetLatE5, targetLngE5, status, kind]: a trip's pickup or a service job's breakdown. */
type TripLine = [string, number, number, number, string, JobKind];
/** [key, driverId, classIndex, servicesMask]. */
type MarkerName = [number, string, number, number];
export type JobKind = 'trip' | 'service_request';

export interface FleetMarker {
  key: number;
  driverId: string;
  vehicleClass: string;
  /** Approved service types (tow, battery, …); empty for a driver who is not a provider. */
  services: string[];
  lat: number;
  lng: number;
  state: MarkerState;
  /** Epoch seconds of the last fix. */
  at: number;
}

/** A trip (line to its pickup) or a service job (line to the breakdown) a driver or provider holds. */
export interface FleetTrip {
  id: string;
  driverKey: number;
  pickup: { lat: number; lng: number };
  status: string;
  kind: JobKind;
}

export interface Snapshot {
  seq: number;
  classes: string[];
  services: string[];
  names: MarkerName[];
  markers: MarkerUpdate[];
  trips: TripLine[];
  tickMs: number;
  staleMs: number;
}

export interface Delta {
  seq: number;
  c?: string[];
  n?: MarkerName[];
  u?: MarkerUpdate[];
  r?: number[];
  t?: TripLine[];
  tr?: string[];
}

const E5 = 1e5;
const NO_SERVICES: string[] = [];

export class FleetModel {
  readonly markers = new Map<number, FleetMarker>();
  readonly trips = new Map<string, FleetTrip>();
  classes: string[] = [];
  services: string[] = [];
  private names = new Map<number, { driverId: string; cls: number; services: number }>();
  seq = 0;

  load(s: Snapshot): void {
    this.markers.clear();
    this.trips.clear();
    this.names = new Map(s.names.map(([key, driverId, cls, services]) => [key, { driverId, cls, services }]));
    this.classes = [...s.classes];
    this.services = [...s.services];
    this.seq = s.seq;
    for (const u of s.markers) this.update(u);
    for (const t of s.trips) this.trip(t);
  }

  /** The keys that changed, or null when the delta does not follow the last one (resync needed). */
  apply(d: Delta): { changed: number[]; removed: number[] } | null {
    if (d.seq !== this.seq + 1) return null;
    this.seq = d.seq;
    this.classes.push(...(d.c ?? []));
    for (const [key, driverId, cls, services] of d.n ?? []) this.names.set(key, { driverId, cls, services });
    const changed = (d.u ?? []).map((u) => this.update(u));
    for (const [key] of d.n ?? []) this.rename(key); // a known driver's class or services changed, not their fix
    for (const key of d.r ?? []) this.markers.delete(key);
    for (const t of d.t ?? []) this.trip(t);
    for (const id of d.tr ?? []) this.trips.delete(id);
    return { changed, removed: d.r ?? [] };
  }

  private update([key, lat, lng, state, at]: MarkerUpdate): number {
    this.markers.set(key, {
      key,
      ...this.nameOf(key),
      lat: lat / E5,
      lng: lng / E5,
      state,
      at,
    });
    return key;
  }

  private nameOf(key: number): Pick<FleetMarker, 'driverId' | 'vehicleClass' | 'services'> {
    const name = this.names.get(key);
    const mask = name?.services ?? 0;
    return {
      driverId: name?.driverId ?? '',
      vehicleClass: this.classes[name?.cls ?? -1] ?? '',
      services: mask === 0 ? NO_SERVICES : this.services.filter((_, i) => (mask & (1 << i)) !== 0),
    };
  }

  private rename(key: number): void {
    const marker = this.markers.get(key);
    if (marker) this.markers.set(key, { ...marker, ...this.nameOf(key) });
  }

  private trip([id, driverKey, lat, lng, status, kind]: TripLine): void {
    this.trips.set(id, { id, driverKey, pickup: { lat: lat / E5, lng: lng / E5 }, status, kind });
  }
}
