/**
 * The tiny independent model of the ledger that ledger-property.test.ts runs
 * random money sequences against: accounts, holds and transfer ids in memory,
 * with the outcome each transfer should have (not a test file itself).
 */
import { isMoveInput, type TransferInput, type TransferResult } from '../../src/modules/ledger/index.js';

interface ModelAccount {
  net: number;
  pendingOut: number;
  pendingIn: number;
  floor: number | null;
}

export type Outcome = 'created' | 'exists' | string;

export class Model {
  readonly accounts = new Map<number, ModelAccount>();
  private readonly transfers = new Map<string, string>();
  private readonly holds = new Map<string, { debit: number; credit: number; amount: number; resolved: boolean }>();

  add(id: number, floor: number | null) {
    this.accounts.set(id, { net: 0, pendingOut: 0, pendingIn: 0, floor });
  }

  private fingerprint(t: TransferInput) {
    return JSON.stringify(
      isMoveInput(t) ? [t.type, t.debitAccountId, t.creditAccountId, t.amount, t.kind] : [t.type, t.pendingId],
    );
  }

  /** Expected outcome of one transfer given the state; applies it when it succeeds. */
  private one(t: TransferInput): Outcome {
    const prior = this.transfers.get(t.id);
    if (prior) return prior === this.fingerprint(t) ? 'exists' : 'exists_with_different_fields';
    if (!isMoveInput(t)) {
      const hold = this.holds.get(t.pendingId);
      if (!hold) return 'pending_not_found';
      if (hold.resolved) return 'already_resolved';
      const d = this.accounts.get(hold.debit)!;
      const c = this.accounts.get(hold.credit)!;
      d.pendingOut -= hold.amount;
      c.pendingIn -= hold.amount;
      if (t.type === 'post_pending') {
        d.net -= hold.amount;
        c.net += hold.amount;
      }
      hold.resolved = true;
    } else {
      const d = this.accounts.get(t.debitAccountId)!;
      const c = this.accounts.get(t.creditAccountId)!;
      if (d.floor !== null) {
        const floor = t.overdraft === 'credit_limit' ? d.floor : 0;
        if (d.net - d.pendingOut - t.amount < floor) return 'insufficient_funds';
      }
      if (t.type === 'posted') {
        d.net -= t.amount;
        c.net += t.amount;
      } else {
        d.pendingOut += t.amount;
        c.pendingIn += t.amount;
        this.holds.set(t.id, { debit: t.debitAccountId, credit: t.creditAccountId, amount: t.amount, resolved: false });
      }
    }
    this.transfers.set(t.id, this.fingerprint(t));
    return 'created';
  }

  /** All-or-nothing batch (as the ledger's atomic mode). */
  apply(batch: TransferInput[]): Outcome[] {
    const snapshot = structuredClone({ a: [...this.accounts], t: [...this.transfers], h: [...this.holds] });
    const outcomes = batch.map((t) => this.one(t));
    if (outcomes.some((o) => o !== 'created' && o !== 'exists')) {
      this.accounts.clear();
      snapshot.a.forEach(([k, v]) => this.accounts.set(k, v));
      this.transfers.clear();
      snapshot.t.forEach(([k, v]) => this.transfers.set(k, v));
      this.holds.clear();
      snapshot.h.forEach(([k, v]) => this.holds.set(k, v));
    }
    return outcomes;
  }
}

/** A ledger result as the model states it (both "already posted" and "already voided" are already_resolved). */
export function normalize(r: TransferResult): Outcome {
  if (r.status !== 'failed') return r.status;
  return r.reason === 'pending_already_posted' || r.reason === 'pending_already_voided' ? 'already_resolved' : r.reason;
}
