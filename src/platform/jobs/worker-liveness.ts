import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Logger } from '../observability/logger.js';

/** How often a live pool writes its heartbeat, and how often each node looks for dead ones. */
export const HEARTBEAT_MS = 5_000;
/**
 * A pool unseen this long is dead and its jobs are released. Long beside the
 * heartbeat: a live node stalled by a slow query or a GC pause keeps its jobs
 * (were they released, a job could run twice; tasks tolerate that, but rarely
 * is better).
 */
export const DEAD_AFTER_MS = 60_000;

async function recordHeartbeat(db: Db, workerId: string) {
  await sql`INSERT INTO job_worker_heartbeats (worker_id) VALUES (${workerId})
    ON CONFLICT (worker_id) DO UPDATE SET seen_at = now()`.execute(db);
}

async function forgetHeartbeat(db: Db, workerId: string) {
  await sql`DELETE FROM job_worker_heartbeats WHERE worker_id = ${workerId}`.execute(db);
}

/**
 * One statement: the stale rows are deleted (so one node releases each dead
 * pool, however many look at once) and graphile-worker's own
 * force_unlock_workers frees their jobs and queues.
 */
async function releaseDeadWorkers(db: Db, workerSchema: string): Promise<string[]> {
  const { rows } = await sql<{ ids: string[] | null }>`
    WITH dead AS (
      DELETE FROM job_worker_heartbeats
       WHERE seen_at < now() - make_interval(secs => ${DEAD_AFTER_MS / 1000})
      RETURNING worker_id)
    SELECT array_agg(worker_id) AS ids, ${sql.id(workerSchema)}.force_unlock_workers(array_agg(worker_id))
      FROM dead`.execute(db);
  return rows[0]?.ids ?? [];
}

/**
 * A killed worker process never unlocks the jobs it was running or had
 * fetched into its local queue; graphile-worker frees them after 4 hours.
 * Each worker node writes its pool's heartbeat and releases the jobs of
 * pools whose heartbeat lapsed (both local ticks, see LocalTicks).
 */
export class WorkerLiveness {
  private pool: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly workerSchema: string,
    private readonly log: Logger,
  ) {}

  /** graphile-worker started a pool (`pool:create`): its id is what it locks jobs with. */
  poolStarted(id: string) {
    const previous = this.pool;
    this.pool = id;
    // A pool replaced after a graceful stop (see JobQueue.recover) holds nothing: its row goes, not its jobs.
    if (previous && previous !== id) void this.forget(previous);
    // Seen from its first moment, not one heartbeat period later.
    this.beat().catch((err: unknown) => this.log.warn({ err }, 'job worker heartbeat not written'));
  }

  async beat() {
    if (this.pool) await recordHeartbeat(this.db, this.pool);
  }

  async releaseDead() {
    const released = await releaseDeadWorkers(this.db, this.workerSchema);
    if (released.length > 0) this.log.warn({ workers: released }, 'released the jobs of dead job workers');
  }

  /** This node stopped its pool gracefully (graphile-worker unlocked its jobs): nothing to release later. */
  async stopped() {
    const id = this.pool;
    this.pool = undefined;
    if (id) await this.forget(id);
  }

  private async forget(id: string) {
    await forgetHeartbeat(this.db, id).catch((err: unknown) => this.log.warn({ err }, 'heartbeat not removed'));
  }
}
