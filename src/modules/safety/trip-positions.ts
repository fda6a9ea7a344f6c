import type { TripLocation } from '../location/index.js';

/** What the location stream hands to subscribers (the bus's `trip.location` signal). */
export type TripLocationPoint = Pick<TripLocation, 'tripId' | 'driverId' | 'lat' | 'lng' | 'speed' | 'heading' | 'at'>;

export interface Position {
  lat: number;
  lng: number;
  heading: number | null;
  at: number;
}

/** A slower, shared source (e.g. the location module's last-known store) consulted when this node has no fresh fix. */
export type PositionFallback = (driverId: string) => Promise<Position | null>;

/** Bounds memory: at most this many trips/drivers, forgotten after this long without a fix. */
const MAX_ENTRIES = 50_000;
const ENTRY_TTL_MS = 30 * 60_000;

/**
 * Latest fix per trip and per driver, fed by the trip location stream. Used
 * for SOS live tracking and trip sharing. Per process: with several nodes,
 * configure a fallback that reads shared state.
 */
export class LatestPositions {
  private readonly byTrip = new Map<string, Position>();
  private readonly byDriver = new Map<string, Position>();
  private fallback: PositionFallback | undefined;

  setFallback(fallback: PositionFallback) {
    this.fallback = fallback;
  }

  record(p: TripLocationPoint) {
    const pos: Position = { lat: p.lat, lng: p.lng, heading: p.heading, at: p.at };
    this.put(this.byTrip, p.tripId, pos);
    this.put(this.byDriver, p.driverId, pos);
  }

  forget(tripId: string) {
    this.byTrip.delete(tripId);
  }

  /** The freshest known fix of a trip (its driver) or, failing that, of a driver. */
  async latest(args: { tripId?: string | null; driverId?: string | null }): Promise<Position | null> {
    const local =
      (args.tripId ? this.fresh(this.byTrip, args.tripId) : undefined) ??
      (args.driverId ? this.fresh(this.byDriver, args.driverId) : undefined);
    if (local) return local;
    if (args.driverId && this.fallback) return this.fallback(args.driverId).catch(() => null);
    return null;
  }

  private fresh(map: Map<string, Position>, key: string): Position | undefined {
    const pos = map.get(key);
    if (!pos) return undefined;
    if (Date.now() - pos.at > ENTRY_TTL_MS) {
      map.delete(key);
      return undefined;
    }
    return pos;
  }

  private put(map: Map<string, Position>, key: string, pos: Position) {
    const prev = map.get(key);
    if (prev && prev.at >= pos.at) return;
    map.delete(key); // re-insert so Map order is least-recently-updated first
    map.set(key, pos);
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  }
}
