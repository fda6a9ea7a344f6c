import type { Generated } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { AccountKind, AccountState, NewTransfer, PendingInfo, TransferPhase } from './ledger.types.js';

/** The ledger's tables and row mappers, shared by its repos (no SQL here). */
export type LedgerTables = {
  ledger_accounts: {
    id: Generated<number>;
    kind: AccountKind;
    owner_id: string | null;
    currency: Generated<string>;
    credit_limit: Generated<number>;
    debits_pending: Generated<number>;
    debits_posted: Generated<number>;
    credits_pending: Generated<number>;
    credits_posted: Generated<number>;
    version: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  ledger_transfers: {
    id: string;
    seq: Generated<number>;
    phase: TransferPhase;
    debit_account_id: number;
    credit_account_id: number;
    amount: number;
    currency: Generated<string>;
    kind: string;
    reference: string | null;
    pending_id: string | null;
    timeout_at: Date | null;
    created_at: Generated<Date>;
  };
};

export const q = (db: DbHandle) => db.withTables<LedgerTables>();

export const ACCOUNT_COLUMNS = [
  'id',
  'kind',
  'owner_id',
  'credit_limit',
  'debits_pending',
  'debits_posted',
  'credits_pending',
  'credits_posted',
] as const;

export interface AccountRow {
  id: number;
  kind: AccountKind;
  owner_id: string | null;
  credit_limit: number;
  debits_pending: number;
  debits_posted: number;
  credits_pending: number;
  credits_posted: number;
}

export function toAccount(r: AccountRow): AccountState {
  return {
    id: r.id,
    kind: r.kind,
    ownerId: r.owner_id,
    creditLimit: r.credit_limit,
    debitsPending: r.debits_pending,
    debitsPosted: r.debits_posted,
    creditsPending: r.credits_pending,
    creditsPosted: r.credits_posted,
  };
}

export interface TransferRow {
  id: string;
  phase: TransferPhase;
  debit_account_id: number;
  credit_account_id: number;
  amount: number;
  kind: string;
  reference: string | null;
  pending_id: string | null;
  timeout_at: Date | null;
}

export function toTransfer(r: TransferRow): NewTransfer {
  return {
    id: r.id,
    phase: r.phase,
    debitAccountId: r.debit_account_id,
    creditAccountId: r.credit_account_id,
    amount: r.amount,
    kind: r.kind,
    reference: r.reference,
    pendingId: r.pending_id,
    timeoutAt: r.timeout_at,
  };
}

/** A hold's resolution as stored (the phase of the transfer that resolved it), as the engine names it. */
export function resolutionOf(phase: unknown): PendingInfo['resolution'] {
  return phase === 'post_pending' ? 'posted' : phase === 'void_pending' ? 'voided' : null;
}
