import { jobsSchemaFor } from '../src/platform/jobs/runner-options.js';

interface Queryable {
  query(sql: string): Promise<unknown>;
}

/**
 * Drops a scratch app schema (one per suite, bench or sim run) and the job
 * queue schema that belongs to it. Best effort: a cleanup failure must not
 * hide the result of the run it follows.
 */
export async function dropScratchSchema(db: Queryable, schema: string): Promise<void> {
  for (const name of [schema, jobsSchemaFor(schema)]) {
    await db.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).catch(() => {});
  }
}
