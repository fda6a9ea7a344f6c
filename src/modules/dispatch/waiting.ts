/**
 * Longer than any search (the request flow gives up after 5 minutes): older entries belong to trips handled elsewhere.
 */
const MAX_AGE_MS = 10 * 60_000;
const MAX_TRIPS = 10_000;

interface Waiting {
  round: number;
  since: number;
  running: boolean;
}

/**
 * Trips whose last round in this process found every nearby driver holding
 * another trip's offer (round outcome `waiting`), longest waiting first.
 * Their retry job polls every fifth of a round; when drivers come free here
 * (another trip was accepted and its other offers withdrawn, a decline)
 * the longest-waiting trips run their round at once instead. Best effort and
 * per process: the retry job stays the durable path, so a trip whose round
 * ran on another node is merely dropped when it ages out.
 */
export class WaitingTrips {
  private readonly trips = new Map<string, Waiting>();

  /** Records a round's outcome: `waiting` keeps (or adds) the trip in line, anything else removes it. */
  note(tripId: string, round: number, waiting: boolean, now = Date.now()): void {
    const entry = this.trips.get(tripId);
    if (!waiting) {
      this.trips.delete(tripId);
      return;
    }
    // Map.set on an existing key keeps its place: a trip does not lose its turn by waiting again.
    this.trips.set(tripId, { round, since: entry?.since ?? now, running: false });
    if (this.trips.size > MAX_TRIPS) this.trips.delete(this.trips.keys().next().value!);
  }

  /** Up to `n` longest-waiting trips not already being retried; marks them running until `note`/`settle`. */
  take(n: number, now = Date.now()): Array<{ tripId: string; round: number }> {
    const out: Array<{ tripId: string; round: number }> = [];
    for (const [tripId, entry] of this.trips) {
      if (out.length >= n) break;
      if (now - entry.since > MAX_AGE_MS) this.trips.delete(tripId);
      else if (!entry.running) {
        entry.running = true;
        out.push({ tripId, round: entry.round });
      }
    }
    return out;
  }

  /** A taken trip's run failed: it stays in line for the next release (or its retry job). */
  settle(tripId: string): void {
    const entry = this.trips.get(tripId);
    if (entry) entry.running = false;
  }

  get size(): number {
    return this.trips.size;
  }
}
