import pg from 'pg';

/**
 * Counts round trips to Postgres: every pg `client.query` is one (the extended
 * protocol sends Parse/Bind/Execute/Sync in one write and waits once for
 * ReadyForQuery), and on this box each socket write is what costs (issue 22).
 * A count, not a timing: it is the same on a busy box as on a quiet one.
 */
let sent = 0;
let installed = false;

/** Installs the counter once per process (a second call must not count every query twice). */
export function countRoundTrips(): () => number {
  if (installed) return () => sent;
  installed = true;
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    sent++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return () => sent;
}
