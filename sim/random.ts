import { seededRandom } from '../support/seeded-random.js';

/**
 * Seeded randomness for the simulator: the same seed gives the same drivers,
 * requests and positions in every run, so two dispatch modes can be compared
 * on one scenario.
 */

/** FNV-1a: derives independent sub-streams ("driver:7", "requests") from one seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  private readonly next: () => number;

  constructor(private readonly seed: number) {
    this.next = seededRandom(seed);
  }

  /** An independent stream: what one agent draws does not shift another's numbers. */
  fork(label: string): Rng {
    return new Rng(hash(`${this.seed}:${label}`));
  }

  float(): number {
    return this.next();
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(min: number, maxExclusive: number): number {
    return Math.floor(this.uniform(min, maxExclusive));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential with the given mean (Poisson inter-arrival times). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal by its median and the spread of its log (human reaction times, trip lengths). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length)]!;
  }
}
