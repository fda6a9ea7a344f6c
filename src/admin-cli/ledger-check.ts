import { sql } from 'kysely';
import { createDatabase } from '../platform/db/database.js';
import { auditLedger } from '../modules/ledger/index.js';
import type { RestoredCheck } from './verify.js';

/**
 * The ledger's own invariants (Σ debits = Σ credits, balances = Σ transfers,
 * wallet floors, stale holds), run on the restored copy in one REPEATABLE
 * READ transaction, as the ledger module asks of its callers.
 */
export const ledgerInvariants: RestoredCheck = async (restoredUrl, schema) => {
  const database = createDatabase({ url: restoredUrl, schema, max: 1 });
  try {
    const checks = await database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await sql`SET TRANSACTION READ ONLY`.execute(tx);
        return auditLedger(tx);
      });
    return { name: 'ledger_invariants', ok: checks.every((c) => c.ok), details: checks };
  } finally {
    await database.close();
  }
};
