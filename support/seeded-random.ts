import { mersenne } from 'pure-rand/generator/mersenne';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

/**
 * Deterministic numbers in [0, 1) from a seed (pure-rand's Mersenne Twister),
 * for tests, benches and the simulator: a run, or a failing random case,
 * replays exactly from its seed.
 */
export function seededRandom(seed: number): () => number {
  const rng = mersenne(seed);
  return () => uniformFloat64(rng);
}
