import { Gauge } from 'prom-client';
import type { DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { PaymentsDeps } from './payments.deps.js';
import { auditLedger, ledgerDepositTotals, type AuditCheck } from '../ledger/index.js';
import { depositTotals } from './deposits.repo.js';
import { insertFinanceAlert, insertReport, latestReport } from './finance.repo.js';
import { runBusinessChecks } from './reconciliation.checks.js';
import type { ReportRow } from './payments.tables.js';

const reconciliationOk = new Gauge({
  name: 'smartline_ledger_reconciliation_ok',
  help: '1 when the last reconciliation found every check ok, 0 when one failed',
  registers: [metricsRegistry],
});

export interface ReconciliationReport {
  ok: boolean;
  ranAt: string;
  checks: AuditCheck[];
}

/**
 * Deposits = provider settlements: what Kashier reported as paid equals what we
 * credited or hold, each paid deposit is backed by a successful provider
 * transaction of the same amount, and the ledger moved exactly that out of
 * provider clearing.
 */
async function checkDeposits(db: DbHandle): Promise<AuditCheck> {
  const ours = await depositTotals(db);
  const ledger = await ledgerDepositTotals(db);
  const ok =
    ours.credited_sum === ledger.posted &&
    ours.credited_count === ledger.posted_count &&
    ours.held_sum === ledger.held &&
    ours.held_count === ledger.held_count &&
    ours.provider_sum === ours.credited_sum + ours.held_sum &&
    ours.unbacked_deposits === 0 &&
    ours.uncredited_payments === 0;
  return {
    name: 'deposits_match_provider',
    ok,
    details: {
      creditedDeposits: ours.credited_sum,
      creditedCount: ours.credited_count,
      heldDeposits: ours.held_sum,
      heldCount: ours.held_count,
      providerReported: ours.provider_sum,
      ledgerPosted: ledger.posted,
      ledgerPostedCount: ledger.posted_count,
      ledgerHeld: ledger.held,
      ledgerHeldCount: ledger.held_count,
      depositsWithoutProviderPayment: ours.unbacked_deposits,
      providerPaymentsNotCredited: ours.uncredited_payments,
    },
  };
}

export function toReport(row: ReportRow): ReconciliationReport {
  return { ok: row.ok, ranAt: row.ran_at.toISOString(), checks: row.checks as AuditCheck[] };
}

/**
 * Runs every check in one read-only REPEATABLE READ snapshot (transfers
 * committing meanwhile cannot skew the sums), stores the report, and on a
 * mismatch writes an alert row, tells connected admins and drops the gauge to 0.
 */
export async function runReconciliation(deps: PaymentsDeps): Promise<ReconciliationReport> {
  const db = deps.db;
  const checks = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (tx) => [...(await auditLedger(tx)), await checkDeposits(tx), ...(await runBusinessChecks(tx))]);
  const ok = checks.every((c) => c.ok);
  const row = await withTransaction(db, async (tx) => {
    const stored = await insertReport(tx, { ok, checks });
    if (!ok) {
      const failed = checks.filter((c) => !c.ok).map((c) => c.name);
      await insertFinanceAlert(tx, {
        kind: 'reconciliation_mismatch',
        subjectId: String(stored.id),
        message: `Reconciliation failed: ${failed.join(', ')}`,
        details: { failed },
      });
    }
    return stored;
  });
  reconciliationOk.set(ok ? 1 : 0);
  const report = toReport(row);
  if (!ok) {
    deps.log.error({ checks: checks.filter((c) => !c.ok) }, 'ledger reconciliation found a mismatch');
    deps.realtime.toAdmins('finance:alert', { kind: 'reconciliation_mismatch', ranAt: report.ranAt });
  }
  return report;
}

export async function lastReconciliation(db: DbHandle): Promise<ReconciliationReport | null> {
  const row = await latestReport(db);
  return row ? toReport(row) : null;
}
