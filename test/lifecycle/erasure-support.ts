/** Shared helpers of the erasure suites (erasure, erasure-refused); not a test file itself. */
import { startTestApp, type TestApp } from '../../support/harness.js';
import { query } from '../support/fixtures.js';

/** The app of one erasure suite; the test server is shared: its pool stays small. */
export const startErasureApp = (name: string) => startTestApp(name, { DB_POOL_MAX: '8' });

/** The columns of a users row that erasure rewrites. */
export async function userRow(t: TestApp, id: string) {
  const rows = await query<{ name: string; phone: string; password_hash: string }>(
    t,
    'SELECT name, phone, password_hash FROM $schema.users WHERE id = $1',
    [id],
  );
  return rows[0]!;
}
