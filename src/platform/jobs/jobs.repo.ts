import { sql, type Generated } from 'kysely';
import type { DbHandle } from '../db/database.js';
import type { EnqueueOptions } from './task.js';

type DeadLetterTables = {
  dead_letters: {
    id: Generated<number>;
    task: string;
    payload: unknown;
    job_key: string | null;
    attempts: number;
    last_error: string;
    failed_at: Generated<Date>;
    requeued_at: Date | null;
    requeued_by: string | null;
  };
};

const q = (db: DbHandle) => db.withTables<DeadLetterTables>();

/** One job as add_job/add_jobs take it. */
export type JobRow = { task: string; payload: unknown } & EnqueueOptions;

/** graphile-worker's add_job, called on the caller's connection so it commits or rolls back with it. */
export async function insertJob(db: DbHandle, workerSchema: string, args: JobRow): Promise<void> {
  await sql`SELECT ${sql.id(workerSchema)}.add_job(
      identifier => ${args.task},
      payload => ${JSON.stringify(args.payload)}::json,
      queue_name => ${args.queueName ?? null},
      run_at => ${args.runAt ?? null}::timestamptz,
      max_attempts => ${args.maxAttempts ?? null}::int,
      job_key => ${args.jobKey ?? null},
      priority => ${args.priority ?? null}::int
    )`.execute(db);
}

/** Several jobs in one round trip (graphile-worker's add_jobs), on the caller's connection like insertJob. */
export async function insertJobs(db: DbHandle, workerSchema: string, jobs: JobRow[]): Promise<void> {
  const specs = jobs.map(
    (j) => sql`ROW(${j.task}, ${JSON.stringify(j.payload)}::json, ${j.queueName ?? null}::text,
      ${j.runAt ?? null}::timestamptz, ${j.maxAttempts ?? null}::smallint, ${j.jobKey ?? null}::text,
      ${j.priority ?? null}::smallint, NULL::text[])::${sql.id(workerSchema, 'job_spec')}`,
  );
  await sql`SELECT 1 FROM ${sql.id(workerSchema)}.add_jobs(ARRAY[${sql.join(specs)}])`.execute(db);
}

export async function insertDeadLetter(
  db: DbHandle,
  row: { task: string; payload: unknown; jobKey: string | null; attempts: number; lastError: string },
) {
  await q(db)
    .insertInto('dead_letters')
    .values({
      task: row.task,
      payload: JSON.stringify(row.payload),
      job_key: row.jobKey,
      attempts: row.attempts,
      last_error: row.lastError.slice(0, 2000),
    })
    .execute();
}

export async function listDeadLetters(db: DbHandle, args: { limit: number; beforeId?: number }) {
  let query = q(db)
    .selectFrom('dead_letters')
    .selectAll()
    .where('requeued_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.beforeId !== undefined) query = query.where('id', '<', args.beforeId);
  return query.execute();
}

/** Marks a dead letter as re-queued; returns it only if this call did so (compare-and-set). */
export async function markRequeued(db: DbHandle, id: number, adminId: string) {
  return q(db)
    .updateTable('dead_letters')
    .set({ requeued_at: sql`now()`, requeued_by: adminId })
    .where('id', '=', id)
    .where('requeued_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function countOpenDeadLetters(db: DbHandle): Promise<number> {
  const row = await q(db)
    .selectFrom('dead_letters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('requeued_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Latest graphile-worker migration applied to a worker schema (0 before any). */
export async function workerSchemaRevision(db: DbHandle, workerSchema: string): Promise<number> {
  const { rows } = await sql<{
    id: number;
  }>`SELECT coalesce(max(id), 0)::int AS id FROM ${sql.id(workerSchema)}.migrations`.execute(db);
  return rows[0]?.id ?? 0;
}

export type QueueState = 'ready' | 'scheduled' | 'running' | 'failed';

/**
 * Queue depth per task and state, from graphile-worker's `jobs` view (its
 * documented read surface). `oldest_s` is how long the oldest row of the group
 * has been due (0 for rows not due yet). One pass over the jobs table, which
 * only holds pending work (graphile-worker deletes jobs once done).
 */
export async function queueStatsByTask(db: DbHandle, workerSchema: string) {
  const { rows } = await sql<{ task: string; state: QueueState; n: number; oldest_s: number }>`
    SELECT task_identifier AS task,
           CASE WHEN locked_at IS NOT NULL THEN 'running'
                WHEN attempts >= max_attempts THEN 'failed'
                WHEN run_at > now() THEN 'scheduled'
                ELSE 'ready' END AS state,
           count(*)::int AS n,
           greatest(extract(epoch FROM now() - min(run_at)), 0)::float8 AS oldest_s
      FROM ${sql.id(workerSchema, 'jobs')}
     GROUP BY 1, 2`.execute(db);
  return rows;
}

export async function countOpenDeadLettersByTask(db: DbHandle): Promise<Array<{ task: string; n: number }>> {
  const rows = await q(db)
    .selectFrom('dead_letters')
    .select((eb) => ['task', eb.fn.countAll<number>().as('n')])
    .where('requeued_at', 'is', null)
    .groupBy('task')
    .execute();
  return rows.map((r) => ({ task: r.task, n: Number(r.n) }));
}
