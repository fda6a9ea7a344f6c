import type { DbHandle } from '../../platform/db/database.js';
import { listTransfersByReference } from './trip-transfers.repo.js';
import type { TransferPhase } from './ledger.types.js';

export interface ReferencedTransfer {
  id: string;
  kind: string;
  phase: TransferPhase;
  amount: number;
  at: Date;
}

/** Money that moved under one reference (posted, or a posted hold), oldest first. */
export async function transfersReferencing(db: DbHandle, reference: string): Promise<ReferencedTransfer[]> {
  const rows = await listTransfersByReference(db, reference);
  return rows.map((r) => ({ id: r.id, kind: r.kind, phase: r.phase, amount: r.amount, at: r.created_at }));
}
