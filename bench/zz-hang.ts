import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startTestApp } from '../test/support/harness.js';
import { bookingBody, freshSlot, provider } from '../test/bookings/fixtures.js';

const t = await startTestApp('hang', { DB_POOL_MAX: '21' });
const mon = new pg.Client({ connectionString: process.env.DATABASE_URL }); await mon.connect();
const p = await provider(t);
for (let round = 0; round < Number(process.env.ROUNDS ?? 30); round++) {
  const riders = await Promise.all(Array.from({ length: 20 }, () => t.signup('rider')));
  const slot = freshSlot(1);
  const started = Date.now();
  const all = Promise.all(riders.map((r) => t.api('POST', '/api/v1/bookings', { token: r.accessToken, body: bookingBody(p.id, slot) })));
  const done = await Promise.race([all.then(() => true), sleep(12_000).then(() => false)]);
  if (!done) {
    const pool = t.platform.database.pool;
    console.log(`round ${round} STUCK; pool total ${pool.totalCount} idle ${pool.idleCount} waiting ${pool.waitingCount}`);
    const act = await mon.query(`select pid, state, wait_event_type, wait_event, now()-xact_start as xact_age, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) q from pg_stat_activity where backend_type='client backend' and pid <> pg_backend_pid() order by xact_start nulls last`);
    console.table(act.rows);
    const locks = await mon.query(`select l.pid, l.locktype, l.mode, l.granted, l.transactionid::text, l.relation::regclass::text rel, pg_blocking_pids(l.pid) blockers from pg_locks l where not l.granted`);
    console.table(locks.rows);
    const res = await all;
    console.log('finally', Date.now() - started, 'ms', res.map((r) => r.status).join(','));
    break;
  }
  const res = await all;
  const codes = res.map((r) => r.status).sort().join(',');
  console.log(`round ${round} ${Date.now() - started} ms ${codes.includes('503') ? codes : ''}`);
}
await mon.end(); await t.close(); process.exit(0);
