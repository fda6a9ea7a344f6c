/** What a rider app knows of the one trip or service request it follows. */
import type { SimClock } from './clock.js';

/** Fallback poll (a missed socket event must not strand a rider): simulated ms, at least 5 real s. */
export const POLL_SIM_MS = 60_000;
const POLL_MIN_REAL_MS = 5_000;

/** The status of the one trip or service request a rider follows, moved by socket events and polls. */
export class StatusWatch {
  changes = 0;
  private wake: () => void = () => {};

  constructor(
    readonly id: string,
    public status: string,
  ) {}

  set(status: string): void {
    if (this.status === status) return;
    this.status = status;
    this.changes++;
    this.wake();
  }

  /** Until the next change or `simMs`, whichever comes first. */
  async next(clock: SimClock, simMs: number): Promise<void> {
    const woke = new Promise<void>((resolve) => (this.wake = resolve));
    await Promise.race([woke, clock.sleep(simMs)]);
  }

  /** Simulated ms between fallback polls at this clock's speed. */
  static pollMs(clock: SimClock): number {
    return Math.max(POLL_SIM_MS, POLL_MIN_REAL_MS * clock.speed);
  }
}
