import type {
  AccountState,
  FailureReason,
  MoveInput,
  NewTransfer,
  PendingInfo,
  ResolveInput,
  TransferInput,
  TransferResult,
} from './ledger.types.js';

/**
 * The ledger's rules, with no I/O: given the accounts as read under their row
 * locks, the transfers already stored under the batch's ids and the holds the
 * batch resolves, decide each transfer's fate and the accounts' new counters.
 * Transfers are applied in order; a later one sees the earlier ones' effects.
 */

/** Transfer ids: what the database CHECK accepts. */
export const TRANSFER_ID = /^[A-Za-z0-9:_.-]{1,128}$/;

export interface EngineInput {
  accounts: ReadonlyMap<number, AccountState>;
  /** Stored transfers whose id appears in the batch. */
  stored: ReadonlyMap<string, NewTransfer>;
  /** Holds referenced by post/void inputs, with their resolution state. */
  pendings: ReadonlyMap<string, PendingInfo>;
  now: Date;
}

export interface EngineOutput {
  results: TransferResult[];
  /** Transfers to insert, in order. */
  writes: NewTransfer[];
  /** Accounts whose counters changed, with their new values. */
  changed: AccountState[];
}

type Outcome = { ok: true; transfer: NewTransfer; created: boolean } | { ok: false; reason: FailureReason };

/** Owned accounts have a floor, except a rider's dues account: it is an IOU and goes below zero by design. */
function isWallet(account: AccountState) {
  return account.ownerId !== null && account.kind !== 'rider_dues';
}

/** What a wallet may still spend: posted balance minus holds. */
export function availableOf(account: Pick<AccountState, 'creditsPosted' | 'debitsPosted' | 'debitsPending'>) {
  return account.creditsPosted - account.debitsPosted - account.debitsPending;
}

export function isMoveInput(t: TransferInput): t is MoveInput {
  return t.type === 'posted' || t.type === 'pending';
}

function sameFields(input: TransferInput, prior: NewTransfer): boolean {
  if (!isMoveInput(input)) return prior.phase === input.type && prior.pendingId === input.pendingId;
  return (
    prior.phase === input.type &&
    prior.debitAccountId === input.debitAccountId &&
    prior.creditAccountId === input.creditAccountId &&
    prior.amount === input.amount &&
    prior.kind === input.kind &&
    prior.reference === (input.reference ?? null)
  );
}

/** The transfer a move stores once it is accepted. */
export function storedMove(t: MoveInput): NewTransfer {
  return {
    id: t.id,
    phase: t.type,
    debitAccountId: t.debitAccountId,
    creditAccountId: t.creditAccountId,
    amount: t.amount,
    kind: t.kind,
    reference: t.reference ?? null,
    pendingId: null,
    timeoutAt: t.type === 'pending' ? (t.timeoutAt ?? null) : null,
  };
}

class Evaluation {
  readonly accounts = new Map<number, AccountState>();
  readonly pendings = new Map<string, PendingInfo>();
  readonly written = new Map<string, NewTransfer>();

  constructor(private readonly input: EngineInput) {
    for (const [id, a] of input.accounts) this.accounts.set(id, { ...a });
    for (const [id, p] of input.pendings) this.pendings.set(id, { ...p });
  }

  apply(t: TransferInput): Outcome {
    const prior = this.written.get(t.id) ?? this.input.stored.get(t.id);
    if (prior)
      return sameFields(t, prior)
        ? { ok: true, transfer: prior, created: false }
        : { ok: false, reason: 'exists_with_different_fields' };
    const outcome = isMoveInput(t) ? this.move(t) : this.resolve(t);
    if (outcome.ok) this.written.set(t.id, outcome.transfer);
    return outcome;
  }

  private move(t: MoveInput): Outcome {
    if (!Number.isSafeInteger(t.amount) || t.amount <= 0) return { ok: false, reason: 'invalid_amount' };
    if (t.debitAccountId === t.creditAccountId) return { ok: false, reason: 'same_account' };
    const debit = this.accounts.get(t.debitAccountId);
    const credit = this.accounts.get(t.creditAccountId);
    if (!debit || !credit) return { ok: false, reason: 'account_not_found' };
    if (isWallet(debit)) {
      const floor = t.overdraft === 'credit_limit' ? -debit.creditLimit : 0;
      if (availableOf(debit) - t.amount < floor) return { ok: false, reason: 'insufficient_funds' };
    }
    if (t.type === 'posted') {
      debit.debitsPosted += t.amount;
      credit.creditsPosted += t.amount;
    } else {
      debit.debitsPending += t.amount;
      credit.creditsPending += t.amount;
    }
    const transfer = storedMove(t);
    // A hold placed earlier in the same batch can be posted or voided later in it.
    if (t.type === 'pending') this.pendings.set(t.id, { transfer, resolution: null });
    return { ok: true, transfer, created: true };
  }

  private resolve(t: ResolveInput): Outcome {
    const info = this.pendings.get(t.pendingId);
    if (!info || info.transfer.phase !== 'pending') return { ok: false, reason: 'pending_not_found' };
    if (info.resolution === 'posted') return { ok: false, reason: 'pending_already_posted' };
    if (info.resolution === 'voided') return { ok: false, reason: 'pending_already_voided' };
    const hold = info.transfer;
    if (t.type === 'post_pending' && hold.timeoutAt && hold.timeoutAt <= this.input.now)
      return { ok: false, reason: 'pending_expired' };
    const debit = this.accounts.get(hold.debitAccountId);
    const credit = this.accounts.get(hold.creditAccountId);
    if (!debit || !credit) return { ok: false, reason: 'account_not_found' };
    debit.debitsPending -= hold.amount;
    credit.creditsPending -= hold.amount;
    if (t.type === 'post_pending') {
      debit.debitsPosted += hold.amount;
      credit.creditsPosted += hold.amount;
    }
    info.resolution = t.type === 'post_pending' ? 'posted' : 'voided';
    const transfer: NewTransfer = { ...hold, id: t.id, phase: t.type, pendingId: hold.id, timeoutAt: null };
    return { ok: true, transfer, created: true };
  }

  changedAccounts(): AccountState[] {
    const changed: AccountState[] = [];
    for (const [id, a] of this.accounts) {
      const before = this.input.accounts.get(id)!;
      if (
        a.debitsPending !== before.debitsPending ||
        a.debitsPosted !== before.debitsPosted ||
        a.creditsPending !== before.creditsPending ||
        a.creditsPosted !== before.creditsPosted
      ) {
        changed.push(a);
      }
    }
    return changed;
  }
}

function toResult(id: string, outcome: Outcome): TransferResult {
  if (!outcome.ok) return { id, status: 'failed', reason: outcome.reason };
  return { id, status: outcome.created ? 'created' : 'exists', transfer: outcome.transfer };
}

/**
 * Independent mode: each transfer succeeds or fails on its own (a failure
 * changes nothing). Atomic mode: all or nothing; on a failure every other
 * transfer reports `linked_transfer_failed` and nothing is written.
 */
export function evaluateTransfers(
  input: EngineInput,
  transfers: readonly TransferInput[],
  opts: { atomic: boolean },
): EngineOutput {
  const run = new Evaluation(input);
  const results: TransferResult[] = [];
  const writes: NewTransfer[] = [];
  for (const t of transfers) {
    const outcome = run.apply(t);
    if (!outcome.ok && opts.atomic) {
      const failed = transfers.map((x): TransferResult => ({
        id: x.id,
        status: 'failed',
        reason: x === t ? outcome.reason : 'linked_transfer_failed',
      }));
      return { results: failed, writes: [], changed: [] };
    }
    if (outcome.ok && outcome.created) writes.push(outcome.transfer);
    results.push(toResult(t.id, outcome));
  }
  return { results, writes, changed: run.changedAccounts() };
}
