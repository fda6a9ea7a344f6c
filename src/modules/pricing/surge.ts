import { cellToLatLng, getHexagonEdgeLengthAvg, gridDisk, latLngToCell, UNITS } from 'h3-js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { Logger } from '../../platform/observability/logger.js';
import { FRESH_POSITION_MS, haversineMeters, type LatLng } from '../../shared/index.js';
import { surgeFromCounts } from './surge-table.js';

/** DESIGN.md "Pricing": surge per H3 resolution-8 cell (~0.7 km² hexagons). */
export const SURGE_H3_RESOLUTION = 8;
/** Issue 5: demand = trip requests in the last 5 minutes. */
export const DEMAND_WINDOW_MS = 5 * 60_000;
/** DESIGN.md: a raised multiplier is held at least 5 minutes. */
export const SURGE_HOLD_MS = 5 * 60_000;
/** Rings of neighbours averaged into a cell (issue 5: k = 1). */
const SMOOTHING_K = 1;
/** Rings returned by the surge map around the caller (19 cells ≈ 2.5 km across). */
export const SURGE_MAP_K = 2;
// A cell's farthest point is one edge length from its centre; 10 % slack for distortion.
const CELL_REACH_M = getHexagonEdgeLengthAvg(SURGE_H3_RESOLUTION, UNITS.m) * 1.1;
// A city-centre supply query never needs more drivers than this to count a few cells.
const SUPPLY_QUERY_LIMIT = 5_000;

const demandKey = (cell: string) => `surge:demand:${cell}`;
const holdKey = (cell: string) => `surge:hold:${cell}`;

export const surgeCellOf = (p: LatLng) => latLngToCell(p.lat, p.lng, SURGE_H3_RESOLUTION);

/** Rounded to the 2 decimals trips store (numeric(4,2)), so the quoted and stored surge agree. */
const toStoredPrecision = (m: number) => Math.round(m * 100) / 100;

export interface CellCounts {
  demand: number;
  supply: number;
}

/**
 * Smoothing: a cell's demand and supply are its own counts plus the average of
 * its neighbours', so drivers one cell away (a few hundred metres) count as
 * supply and one busy hexagon does not flip the price alone.
 */
export function smoothedSurge(cell: string, counts: ReadonlyMap<string, CellCounts>): number {
  const own = counts.get(cell) ?? { demand: 0, supply: 0 };
  const ring = gridDisk(cell, SMOOTHING_K).filter((c) => c !== cell);
  let demand = 0;
  let supply = 0;
  for (const c of ring) {
    demand += counts.get(c)?.demand ?? 0;
    supply += counts.get(c)?.supply ?? 0;
  }
  const n = Math.max(1, ring.length);
  return toStoredPrecision(surgeFromCounts(own.demand + demand / n, own.supply + supply / n));
}

export class SurgeEngine {
  constructor(
    private readonly hot: HotState,
    private readonly isDisabled: () => boolean,
    private readonly log: Logger,
  ) {}

  /** One more trip request in the pickup's cell (called after the request commits). */
  async recordDemand(pickup: LatLng): Promise<void> {
    try {
      await this.hot.incrementWindowCounter(demandKey(surgeCellOf(pickup)), DEMAND_WINDOW_MS);
    } catch (err) {
      this.log.warn({ err }, 'surge: demand not recorded (hot state unavailable)');
    }
  }

  /** Surge at a point; 1.0 when SURGE_DISABLED or when hot state is unreachable (degrade, don't die). */
  async multiplierAt(point: LatLng): Promise<number> {
    const cell = surgeCellOf(point);
    return (await this.multipliers([cell], point)).get(cell) ?? 1;
  }

  /** Cells around a point with their multipliers, for the rider's map. */
  async surgeMap(point: LatLng): Promise<Array<{ h3: string; multiplier: number }>> {
    const cells = gridDisk(surgeCellOf(point), SURGE_MAP_K);
    const values = await this.multipliers(cells, point);
    return cells.map((h3) => ({ h3, multiplier: values.get(h3) ?? 1 }));
  }

  private async multipliers(cells: string[], around: LatLng): Promise<Map<string, number>> {
    if (this.isDisabled()) return new Map(cells.map((c) => [c, 1]));
    try {
      const counts = await this.countCells(cells, around);
      const result = new Map<string, number>();
      await Promise.all(
        cells.map(async (cell) => result.set(cell, await this.applyHold(cell, smoothedSurge(cell, counts)))),
      );
      return result;
    } catch (err) {
      this.log.warn({ err }, 'surge: hot state unavailable, pricing without surge');
      return new Map(cells.map((c) => [c, 1]));
    }
  }

  /** A raised multiplier sticks for SURGE_HOLD_MS after it was last seen, so prices do not flicker. */
  private async applyHold(cell: string, current: number): Promise<number> {
    const held = Number((await this.hot.getValue(holdKey(cell))) ?? 1);
    if (held > current) return held;
    if (current > 1) await this.hot.setValue(holdKey(cell), String(current), SURGE_HOLD_MS);
    return current;
  }

  /** Demand counters and available fresh drivers for every cell the smoothing needs (one geo query). */
  private async countCells(cells: string[], around: LatLng): Promise<Map<string, CellCounts>> {
    const needed = new Set(cells.flatMap((c) => gridDisk(c, SMOOTHING_K)));
    let radiusM = 0;
    for (const cell of needed) {
      const [lat, lng] = cellToLatLng(cell);
      radiusM = Math.max(radiusM, haversineMeters(around, { lat, lng }));
    }
    const [drivers, demands] = await Promise.all([
      this.hot.findNearestDrivers({
        lat: around.lat,
        lng: around.lng,
        radiusM: radiusM + CELL_REACH_M,
        limit: SUPPLY_QUERY_LIMIT,
        freshWithinMs: FRESH_POSITION_MS,
        onlyAvailable: true,
      }),
      Promise.all(
        [...needed].map(
          async (cell) => [cell, await this.hot.readWindowCounter(demandKey(cell), DEMAND_WINDOW_MS)] as const,
        ),
      ),
    ]);
    const counts = new Map<string, CellCounts>(demands.map(([cell, demand]) => [cell, { demand, supply: 0 }]));
    for (const d of drivers) {
      const entry = counts.get(latLngToCell(d.lat, d.lng, SURGE_H3_RESOLUTION));
      if (entry) entry.supply++;
    }
    return counts;
  }
}
