import pg from 'pg';
import type { TestApp } from '../../support/harness.js';

/**
 * What the database and the app's pool are doing right now, as text for a
 * test log: every busy client backend (state, wait, blockers, query) and the
 * pool's counts. Read on a connection of its own, so a full pool cannot hide it.
 */
export async function describeDatabaseActivity(t: TestApp): Promise<string> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(`
      SELECT pid, state, wait_event_type AS wait_type, wait_event AS wait, pg_blocking_pids(pid) AS blocked_by,
             round(extract(epoch FROM now() - xact_start)::numeric, 1) AS xact_s,
             left(regexp_replace(query, '\\s+', ' ', 'g'), 120) AS query
      FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()
      ORDER BY xact_start NULLS LAST`);
    const { totalCount, idleCount, waitingCount } = t.platform.database.pool;
    return [
      `pool: ${totalCount} open, ${idleCount} idle, ${waitingCount} waiting`,
      ...rows.map((r) => JSON.stringify(r)),
    ].join('\n');
  } finally {
    await client.end();
  }
}

/**
 * Runs `work`; if it is still running after `afterMs`, logs describeDatabaseActivity once (for hangs seen only in CI).
 */
export async function reportIfSlow<T>(t: TestApp, afterMs: number, work: () => Promise<T>): Promise<T> {
  const timer = setTimeout(() => {
    describeDatabaseActivity(t).then(
      (text) => console.log(`still running after ${afterMs} ms:\n${text}`),
      (err: unknown) => console.log(`still running after ${afterMs} ms; activity unreadable: ${String(err)}`),
    );
  }, afterMs);
  try {
    return await work();
  } finally {
    clearTimeout(timer);
  }
}
