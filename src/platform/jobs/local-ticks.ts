import type { Logger } from '../observability/logger.js';

interface Tick {
  name: string;
  everyMs: number;
  run: () => void | Promise<void>;
  timer?: NodeJS.Timeout;
  busy?: boolean;
}

/**
 * Work each worker node does on its own clock while its job runner runs,
 * such as the webhook sweep. Not a job: a self-rescheduling job is one row
 * that a worker killed while running it (or holding it in its local queue)
 * keeps locked for graphile-worker's 4 hours, and the chain stops for the
 * whole cluster. A tick has no row to strand, and every worker node runs its
 * own, so the work goes on while any of them lives. The work must be cheap
 * and safe to run on every node at once (claims settle it in the database).
 */
export class LocalTicks {
  private readonly ticks: Tick[] = [];

  constructor(private readonly log: Logger) {}

  add(name: string, everyMs: number, run: Tick['run']) {
    if (this.ticks.some((t) => t.name === name)) throw new Error(`tick ${name} added twice`);
    this.ticks.push({ name, everyMs, run });
  }

  /** Each tick runs at once (a node that comes back does the work now), then every `everyMs`. */
  start() {
    for (const tick of this.ticks) {
      if (tick.timer) continue;
      void this.fire(tick);
      tick.timer = setInterval(() => void this.fire(tick), tick.everyMs);
      tick.timer.unref(); // the runner, not a tick, keeps a worker process alive
    }
  }

  stop() {
    for (const tick of this.ticks) {
      clearInterval(tick.timer);
      tick.timer = undefined;
    }
  }

  /** One run at a time per tick: a slow run skips the ticks that fall due meanwhile. */
  private async fire(tick: Tick) {
    if (tick.busy) return;
    tick.busy = true;
    try {
      await tick.run();
    } catch (err) {
      this.log.warn({ tick: tick.name, err: err instanceof Error ? err.message : String(err) }, 'local tick failed');
    } finally {
      tick.busy = false;
    }
  }
}
