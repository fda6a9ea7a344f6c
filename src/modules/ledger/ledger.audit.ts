import type { DbHandle } from '../../platform/db/database.js';
import {
  countStaleHolds,
  countWalletsBelowFloor,
  findCounterMismatches,
  sumAccountCounters,
  sumTransfersOfKind,
} from './ledger-audit.repo.js';
import { systemAccounts } from './wallet.service.js';

export interface AuditCheck {
  name: string;
  ok: boolean;
  details: Record<string, unknown>;
}

/** Mismatching accounts listed in a report; the count is always exact. */
const MAX_LISTED_MISMATCHES = 20;
/** The expiry job runs at the timeout; holds still open this long after it mean the job is stuck. */
const STALE_HOLD_GRACE_S = 3600;

/**
 * The ledger's invariants, proven from the rows (callers run this inside one
 * REPEATABLE READ transaction so concurrent transfers cannot skew the sums):
 * Σ debits = Σ credits, every account's counters = Σ of its transfers, no
 * wallet below its floor, no hold left open past its timeout.
 */
export async function auditLedger(db: DbHandle): Promise<AuditCheck[]> {
  const totals = await sumAccountCounters(db);
  const { mismatches, checked } = await findCounterMismatches(db, MAX_LISTED_MISMATCHES);
  const floors = await countWalletsBelowFloor(db);
  const staleHolds = await countStaleHolds(db, STALE_HOLD_GRACE_S);
  return [
    {
      name: 'debits_equal_credits',
      ok: totals.debits_posted === totals.credits_posted && totals.debits_pending === totals.credits_pending,
      details: { ...totals },
    },
    {
      name: 'balances_match_transfers',
      ok: mismatches.length === 0,
      details: { accountsChecked: checked, mismatches },
    },
    {
      name: 'wallets_within_limits',
      ok: floors.below_limit === 0 && floors.riders_negative === 0,
      details: { belowCreditLimit: floors.below_limit, ridersNegative: floors.riders_negative },
    },
    {
      name: 'no_stale_holds',
      ok: staleHolds === 0,
      details: { staleHolds, graceSeconds: STALE_HOLD_GRACE_S },
    },
  ];
}

/** What the ledger says about deposits: moved out of provider clearing, posted or still held for review. */
export async function ledgerDepositTotals(db: DbHandle) {
  const { provider_clearing } = await systemAccounts(db);
  return sumTransfersOfKind(db, { debitAccountId: provider_clearing, kind: 'deposit' });
}
