/**
 * The live map's model: applies the server's fleet:watch snapshot and fleet:delta messages (src/modules/console/
 * fleet-state.ts) to a marker table. A gap in `seq` means a delta was missed: the caller re-watches for a snapshot.
 */
export type MarkerState = 'a' | 'o' | 't' | 'b';
type MarkerUpdate = [number, number, number, MarkerState, number];
type TripLine = [string, number, number, number, string];

export interface FleetMarker {
  key: number;
  driverId: string;
  vehicleClass: string;
  lat: number;
  lng: number;
  state: MarkerState;
  /** Epoch seconds of the last fix. */
  at: number;
}

export interface FleetTrip {
  id: string;
  driverKey: number;
  pickup: { lat: number; lng: number };
  status: string;
}

export interface Snapshot {
  seq: number;
  classes: string[];
  names: Array<[number, string, number]>;
  markers: MarkerUpdate[];
  trips: TripLine[];
  tickMs: number;
  staleMs: number;
}

export interface Delta {
  seq: number;
  c?: string[];
  n?: Array<[number, string, number]>;
  u?: MarkerUpdate[];
  r?: number[];
  t?: TripLine[];
  tr?: string[];
}

const E5 = 1e5;

export class FleetModel {
  readonly markers = new Map<number, FleetMarker>();
  readonly trips = new Map<string, FleetTrip>();
  classes: string[] = [];
  private names = new Map<number, { driverId: string; cls: number }>();
  seq = 0;

  load(s: Snapshot): void {
    this.markers.clear();
    this.trips.clear();
    this.names = new Map(s.names.map(([key, driverId, cls]) => [key, { driverId, cls }]));
    this.classes = [...s.classes];
    this.seq = s.seq;
    for (const u of s.markers) this.update(u);
    for (const t of s.trips) this.trip(t);
  }

  /** The keys that changed, or null when the delta does not follow the last one (resync needed). */
  apply(d: Delta): { changed: number[]; removed: number[] } | null {
    if (d.seq !== this.seq + 1) return null;
    this.seq = d.seq;
    this.classes.push(...(d.c ?? []));
    for (const [key, driverId, cls] of d.n ?? []) this.names.set(key, { driverId, cls });
    const changed = (d.u ?? []).map((u) => this.update(u));
    for (const key of d.r ?? []) this.markers.delete(key);
    for (const t of d.t ?? []) this.trip(t);
    for (const id of d.tr ?? []) this.trips.delete(id);
    return { changed, removed: d.r ?? [] };
  }

  private update([key, lat, lng, state, at]: MarkerUpdate): number {
    const name = this.names.get(key);
    this.markers.set(key, {
      key,
      driverId: name?.driverId ?? '',
      vehicleClass: this.classes[name?.cls ?? -1] ?? '',
      lat: lat / E5,
      lng: lng / E5,
      state,
      at,
    });
    return key;
  }

  private trip([id, driverKey, lat, lng, status]: TripLine): void {
    this.trips.set(id, { id, driverKey, pickup: { lat: lat / E5, lng: lng / E5 }, status });
  }
}
