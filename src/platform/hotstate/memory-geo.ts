import { EARTH_RADIUS_M, compareNearby, haversineM, makeDriverFilter } from './geo.js';
import type { DriverPosition, DriverPositionInput, NearbyDriver, NearestDriversQuery } from './hotstate.js';

/**
 * A uniform lat/lng grid with ring search. Positions change every few seconds,
 * so a static kd-tree (kdbush: ~45 ms rebuild per 100k) would be stale or
 * constantly rebuilding; a grid moves a driver in O(1) and a 3 km query over
 * 100k city drivers touches a few hundred entries.
 */
const CELL_DEG = 0.01; // ≈ 1.1 km × 1.0 km at Cairo: a 3 km query scans ~7×7 cells
const LAT_CELLS = Math.round(180 / CELL_DEG);
const LNG_CELLS = Math.round(360 / CELL_DEG);
const RAD = Math.PI / 180;
/** Absorbs float error at cell edges so a stopping bound never overstates. */
const EDGE_SLACK_M = 0.001;

interface Entry extends DriverPosition {
  cell: number;
  slot: number;
}

/** Cell offsets a query may visit: rows ±dy, columns dxLo..dxHi (a full wrap near a pole). */
interface Span {
  dy: number;
  dxLo: number;
  dxHi: number;
}

const latCell = (lat: number) => Math.min(LAT_CELLS - 1, Math.floor((lat + 90) / CELL_DEG));
const lngCell = (lng: number) => ((Math.floor((lng + 180) / CELL_DEG) % LNG_CELLS) + LNG_CELLS) % LNG_CELLS;
const cellKey = (cy: number, cx: number) => cy * LNG_CELLS + (((cx % LNG_CELLS) + LNG_CELLS) % LNG_CELLS);

function searchSpan(lat: number, radiusM: number): Span {
  const delta = radiusM / EARTH_RADIUS_M; // angular radius
  const dy = Math.ceil(delta / RAD / CELL_DEG) + 1;
  const sinLng = Math.sin(delta) / Math.cos(lat * RAD);
  if (Math.abs(lat) + delta / RAD >= 90 || sinLng >= 1) return { dy, dxLo: -LNG_CELLS / 2, dxHi: LNG_CELLS / 2 - 1 };
  const dx = Math.min(LNG_CELLS / 2 - 1, Math.ceil(Math.asin(sinLng) / RAD / CELL_DEG) + 1);
  return { dy, dxLo: -dx, dxHi: dx };
}

/** Distance from (lat, lng) to the meridian `dLngDeg` away (cross-track; capped at the pole distance). */
function meridianDistanceM(lat: number, dLngDeg: number): number {
  const dl = Math.min(dLngDeg * RAD, Math.PI / 2);
  return EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sin(dl) * Math.cos(lat * RAD)));
}

/** Lower bound on the distance from the query to any cell outside rings 0..r (Infinity once the span is exhausted). */
function ringExitBoundM(q: NearestDriversQuery, cy0: number, cx0: number, r: number, span: Span): number {
  let bound = Infinity;
  if (r < span.dy) {
    const north = ((cy0 + r + 1) * CELL_DEG - 90 - q.lat) * RAD * EARTH_RADIUS_M;
    const south = (q.lat - ((cy0 - r) * CELL_DEG - 90)) * RAD * EARTH_RADIUS_M;
    bound = Math.min(bound, north, south);
  }
  // Longitude offsets are taken relative to the query, so wrapping needs no special case.
  const qx = q.lng + 180;
  if (r < span.dxHi) bound = Math.min(bound, meridianDistanceM(q.lat, (cx0 + r + 1) * CELL_DEG - qx));
  if (r < -span.dxLo) bound = Math.min(bound, meridianDistanceM(q.lat, qx - (cx0 - r) * CELL_DEG));
  return bound - EDGE_SLACK_M;
}

function toPosition(e: Entry): DriverPosition {
  const { driverId, lat, lng, heading, vehicleClass, available, at } = e;
  return { driverId, lat, lng, heading, vehicleClass, available, at };
}

export class GridGeoIndex {
  private readonly byId = new Map<string, Entry>();
  /** Arrays (not Sets) so the hot scan loop is a plain indexed walk; removal swaps with the last slot. */
  private readonly cells = new Map<number, Entry[]>();

  get size(): number {
    return this.byId.size;
  }

  upsert(p: DriverPositionInput): void {
    const cell = cellKey(latCell(p.lat), lngCell(p.lng));
    const fields = { lat: p.lat, lng: p.lng, heading: p.heading ?? null, vehicleClass: p.vehicleClass, available: p.available, at: p.at };
    const existing = this.byId.get(p.driverId);
    if (existing) {
      Object.assign(existing, fields);
      if (existing.cell !== cell) {
        this.detach(existing);
        this.attach(existing, cell);
      }
      return;
    }
    const entry: Entry = { driverId: p.driverId, ...fields, cell, slot: -1 };
    this.byId.set(p.driverId, entry);
    this.attach(entry, cell);
  }

  remove(driverId: string): void {
    const entry = this.byId.get(driverId);
    if (!entry) return;
    this.detach(entry);
    this.byId.delete(driverId);
  }

  get(driverId: string): DriverPosition | null {
    const entry = this.byId.get(driverId);
    return entry ? toPosition(entry) : null;
  }

  setAvailability(driverId: string, available: boolean): void {
    const entry = this.byId.get(driverId);
    if (entry) entry.available = available;
  }

  findNearest(q: NearestDriversQuery, now: number): NearbyDriver[] {
    if (q.limit === 0 || this.byId.size === 0) return [];
    const accept = makeDriverFilter(q, now);
    const cy0 = latCell(q.lat);
    const cx0 = lngCell(q.lng);
    const span = searchSpan(q.lat, q.radiusM);
    const found: NearbyDriver[] = [];
    const lastRing = Math.max(span.dy, -span.dxLo, span.dxHi);
    for (let r = 0; r <= lastRing; r++) {
      this.forEachRingCell(cy0, cx0, r, span, (cell) => this.scanCell(cell, q, accept, found));
      const bound = ringExitBoundM(q, cy0, cx0, r, span);
      if (bound > q.radiusM) break;
      if (found.length >= q.limit) {
        found.sort(compareNearby);
        found.length = q.limit; // entries past the limit can never re-enter the answer
        if (found[q.limit - 1]!.distanceM <= bound) break;
      }
    }
    found.sort(compareNearby);
    return found.length > q.limit ? found.slice(0, q.limit) : found;
  }

  private scanCell(cell: Entry[], q: NearestDriversQuery, accept: (e: Entry) => boolean, out: NearbyDriver[]): void {
    for (let i = 0; i < cell.length; i++) {
      const e = cell[i]!;
      if (!accept(e)) continue;
      const distanceM = haversineM(q.lat, q.lng, e.lat, e.lng);
      if (distanceM > q.radiusM) continue;
      out.push({ driverId: e.driverId, lat: e.lat, lng: e.lng, heading: e.heading, vehicleClass: e.vehicleClass, distanceM, at: e.at });
    }
  }

  /** Visits the cells at Chebyshev distance exactly r from the centre cell, clipped to the span. */
  private forEachRingCell(cy0: number, cx0: number, r: number, span: Span, visit: (cell: Entry[]) => void): void {
    const dyTop = Math.min(r, span.dy);
    for (let dy = -dyTop; dy <= dyTop; dy++) {
      const cy = cy0 + dy;
      if (cy < 0 || cy >= LAT_CELLS) continue;
      if (Math.abs(dy) === r) {
        for (let dx = Math.max(-r, span.dxLo); dx <= Math.min(r, span.dxHi); dx++) this.visitCell(cy, cx0 + dx, visit);
      } else {
        if (-r >= span.dxLo) this.visitCell(cy, cx0 - r, visit);
        if (r <= span.dxHi) this.visitCell(cy, cx0 + r, visit);
      }
    }
  }

  private visitCell(cy: number, cx: number, visit: (cell: Entry[]) => void): void {
    const cell = this.cells.get(cellKey(cy, cx));
    if (cell && cell.length > 0) visit(cell);
  }

  private attach(entry: Entry, cell: number): void {
    let list = this.cells.get(cell);
    if (!list) {
      list = [];
      this.cells.set(cell, list);
    }
    entry.cell = cell;
    entry.slot = list.length;
    list.push(entry);
  }

  private detach(entry: Entry): void {
    const list = this.cells.get(entry.cell);
    if (!list) return;
    const last = list.pop()!;
    if (last !== entry) {
      list[entry.slot] = last;
      last.slot = entry.slot;
    }
    if (list.length === 0) this.cells.delete(entry.cell);
  }
}
