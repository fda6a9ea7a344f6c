import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { TransferPhase } from './ledger.types.js';

export interface ReferencedRow {
  id: string;
  kind: string;
  phase: TransferPhase;
  amount: number;
  created_at: Date;
}

/** Money that moved (posted, or a hold that was posted) under one reference, oldest first (index 0017). */
export async function listTransfersByReference(db: DbHandle, reference: string): Promise<ReferencedRow[]> {
  const res = await sql<ReferencedRow>`
    SELECT id, kind, phase, amount, created_at FROM ledger_transfers
    WHERE reference = ${reference} AND phase IN ('posted', 'post_pending')
    ORDER BY seq`.execute(db);
  return res.rows;
}
