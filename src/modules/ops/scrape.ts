import { Gauge } from 'prom-client';
import type pg from 'pg';
import { pingDatabase } from '../../platform/db/database.js';
import type { HotStateHealth } from '../../platform/hotstate/index.js';
import { clearJobGauges } from '../../platform/jobs/jobs.metrics.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { Db } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/observability/logger.js';
import { clearDriverGauges, collectDriverGauges } from '../drivers/index.js';
import { lastReconciliation } from '../payments/index.js';
import { clearTripGauges, collectTripGauges } from '../trips/index.js';

/** A scrape must answer well inside Prometheus' default 10 s timeout, even with the database hanging. */
const DB_PROBE_TIMEOUT_MS = 1_500;
const COLLECT_TIMEOUT_MS = 2_000;

const gauge = (name: string, help: string, labelNames: string[] = []) =>
  new Gauge({ name, help, labelNames, registers: [metricsRegistry] });

const dbUp = gauge(
  'smartline_db_up',
  '1 when this node reached Postgres during the scrape (SELECT 1 within 1.5 s), else 0',
);
const poolTotal = gauge('smartline_db_pool_total_clients', "Postgres connections open in this node's pool");
const poolIdle = gauge('smartline_db_pool_idle_clients', 'Open pool connections not checked out');
const poolWaiting = gauge(
  'smartline_db_pool_waiting_requests',
  'Queries waiting for a pool connection (pool exhausted when > 0 for long)',
);
const poolMax = gauge('smartline_db_pool_max_clients', 'Pool size limit (DB_POOL_MAX)');
const hotStateAdapter = gauge(
  'smartline_hotstate_adapter',
  'Hot-state adapter in use (value 1 on the label that applies: memory or redis)',
  ['adapter'],
);
const hotStateDegraded = gauge(
  'smartline_hotstate_degraded',
  '1 while the shared hot state (Redis) or the socket adapter is unreachable and this node serves from memory',
);
const reconciliationOk = gauge(
  'smartline_ledger_reconciliation_last_ok',
  'Result of the latest stored reconciliation report (1 ok, 0 mismatch); absent before the first run',
);
/** What a scrape reads: the pool's counters, Postgres, the job queue. */
export interface ScrapeDeps {
  db: Db;
  pool: pg.Pool;
  /** DB_POOL_MAX */
  poolMax: number;
  jobs: Pick<JobQueue, 'refreshGauges'>;
  log: Logger;
}

const reconciliationAt = gauge(
  'smartline_ledger_reconciliation_last_run_timestamp_seconds',
  'When the latest stored reconciliation report ran (unix seconds)',
);

async function collectReconciliation(deps: ScrapeDeps) {
  // From the stored report, so every node tells the same story (the job ran on one of them, maybe before a restart).
  const report = await lastReconciliation(deps.db);
  clearReconciliation();
  if (!report) return;
  reconciliationOk.set(report.ok ? 1 : 0);
  reconciliationAt.set(Date.parse(report.ranAt) / 1000);
}

function clearReconciliation() {
  reconciliationOk.remove({});
  reconciliationAt.remove({});
}

/** Gauges read from Postgres on each scrape; `clear` drops their samples when the read is impossible. */
const DB_COLLECTORS: Array<{ name: string; collect(deps: ScrapeDeps): Promise<void>; clear(): void }> = [
  { name: 'trips', collect: (d) => collectTripGauges(d.db), clear: clearTripGauges },
  { name: 'drivers', collect: (d) => collectDriverGauges(d.db), clear: clearDriverGauges },
  { name: 'jobs', collect: (d) => d.jobs.refreshGauges(), clear: clearJobGauges },
  { name: 'reconciliation', collect: collectReconciliation, clear: clearReconciliation },
];

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function setPoolGauges(pool: pg.Pool, max: number) {
  poolTotal.set(pool.totalCount);
  poolIdle.set(pool.idleCount);
  poolWaiting.set(pool.waitingCount);
  poolMax.set(max);
}

function setHotStateGauges(health: HotStateHealth) {
  hotStateAdapter.reset();
  hotStateAdapter.set({ adapter: health.adapter }, 1);
  hotStateDegraded.set(health.ok ? 0 : 1);
}

/**
 * Refreshes every scrape-time gauge. Never throws: with Postgres down,
 * smartline_db_up reads 0 and the database-derived samples are left out (no
 * sample beats a stale one); the in-process ones are still reported.
 * Collectors run one after another so a scrape holds at most one connection.
 */
export async function collectScrapeGauges(deps: ScrapeDeps, hotState: () => HotStateHealth): Promise<void> {
  setPoolGauges(deps.pool, deps.poolMax);
  setHotStateGauges(hotState());
  const up = await withTimeout(pingDatabase(deps.db), DB_PROBE_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
  dbUp.set(up ? 1 : 0);
  for (const collector of DB_COLLECTORS) {
    if (!up) {
      collector.clear();
      continue;
    }
    try {
      await withTimeout(collector.collect(deps), COLLECT_TIMEOUT_MS);
    } catch (err) {
      collector.clear();
      deps.log.warn(
        { err: err instanceof Error ? err.message : String(err), collector: collector.name },
        'metrics: scrape-time collector skipped',
      );
    }
  }
}
