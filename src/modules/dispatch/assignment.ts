import { munkres } from 'munkres';

/** `cost[t][d]`: cost of driver d serving trip t (pickup metres); null = d cannot serve t. */
export type CostMatrix = ReadonlyArray<ReadonlyArray<number | null>>;
export type Assignment = Array<[trip: number, driver: number]>;

// Any real pickup distance (≤ 8 km) is far below this, so the solver never
// trades a feasible pair for an infeasible one; such pairs are dropped after.
const INFEASIBLE = 1e9;

/** Trips in arrival order, each taking the cheapest driver still free. */
export function assignGreedy(cost: CostMatrix): Assignment {
  const taken = new Set<number>();
  const result: Assignment = [];
  cost.forEach((row, t) => {
    let best = -1;
    row.forEach((c, d) => {
      if (c === null || taken.has(d)) return;
      if (best < 0 || c < row[best]!) best = d;
    });
    if (best >= 0) {
      taken.add(best);
      result.push([t, best]);
    }
  });
  return result;
}

/** Minimum total cost over the whole batch (Hungarian algorithm, the `munkres` package). */
export function assignOptimal(cost: CostMatrix): Assignment {
  if (cost.length === 0 || (cost[0]?.length ?? 0) === 0) return [];
  const matrix = cost.map((row) => row.map((c) => (c === null ? INFEASIBLE : c)));
  return munkres(matrix).filter(([t, d]) => cost[t]?.[d] !== null && cost[t]?.[d] !== undefined) as Assignment;
}

export function totalCost(cost: CostMatrix, assignment: Assignment): number {
  return assignment.reduce((sum, [t, d]) => sum + (cost[t]![d] ?? 0), 0);
}
