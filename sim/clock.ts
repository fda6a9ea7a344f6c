/**
 * Simulated time: `speed` simulated seconds pass per real second. Agents
 * think in simulated milliseconds; the clock turns them into real waits.
 * The server sees real time only, except dispatch rounds, which it shrinks
 * by DISPATCH_TIME_SCALE = 1 / speed (set by sim/server.ts).
 */
export class SimClock {
  private startedAt = performance.now();
  private stopping = false;
  private readonly wakers = new Set<() => void>();

  constructor(readonly speed: number) {}

  /** Time zero is now (setup before this is not simulated time). */
  start(): void {
    this.startedAt = performance.now();
  }

  /** Simulated milliseconds since the start. */
  now(): number {
    return (performance.now() - this.startedAt) * this.speed;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** Waits `simMs` of simulated time; resolves early (false) once the clock stops. */
  sleep(simMs: number): Promise<boolean> {
    return this.sleepReal(Math.max(0, simMs) / this.speed);
  }

  sleepReal(realMs: number): Promise<boolean> {
    if (this.stopping) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve(true);
      }, realMs);
      this.wakers.add(wake);
    });
  }

  /** Sleeps until the simulated instant `atSimMs`. */
  until(atSimMs: number): Promise<boolean> {
    return this.sleep(atSimMs - this.now());
  }

  /** Ends every pending sleep: agents see `stopped` and wind down. */
  stop(): void {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
  }
}
