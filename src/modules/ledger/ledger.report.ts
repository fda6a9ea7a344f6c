import type { DbHandle } from '../../platform/db/database.js';
import {
  countRepeatedReferences,
  sumByReference,
  sumMovements,
  sumRiderDues,
  type DuesTotals,
} from './ledger-report.repo.js';

/** Moved money (posted) of one transfer kind between two kinds of account. */
export interface Movement {
  kind: string;
  debitKind: string;
  creditKind: string;
  amount: number;
  count: number;
}

/** Every movement in [from, to) summed per transfer kind and account kinds; reports pick their figures from it. */
export async function movementTotals(db: DbHandle, range: { from?: Date; to?: Date } = {}): Promise<Movement[]> {
  const rows = await sumMovements(db, range);
  return rows.map((r) => ({
    kind: r.kind,
    debitKind: r.debit_kind,
    creditKind: r.credit_kind,
    amount: Number(r.amount),
    count: r.n,
  }));
}

/** Σ of the movements that match (any field left out matches all); money into an account kind minus money out. */
export function sumOf(movements: Movement[], match: Partial<Pick<Movement, 'kind' | 'debitKind' | 'creditKind'>>) {
  return movements
    .filter(
      (m) =>
        (!match.kind || m.kind === match.kind) &&
        (!match.debitKind || m.debitKind === match.debitKind) &&
        (!match.creditKind || m.creditKind === match.creditKind),
    )
    .reduce((acc, m) => ({ amount: acc.amount + m.amount, count: acc.count + m.count }), { amount: 0, count: 0 });
}

/** Per-reference totals of one kind (e.g. refunds per `trip:<id>`), for the references that have any. */
export async function totalsByReference(db: DbHandle, args: { kind: string; prefix: string }) {
  const rows = await sumByReference(db, args);
  return new Map(rows.map((r) => [r.reference, { amount: Number(r.amount), count: r.n }]));
}

export async function repeatedReferences(db: DbHandle, args: { kind: string; prefix: string }): Promise<number> {
  return countRepeatedReferences(db, args);
}

export interface RiderDues {
  accounts: number;
  fromCounters: number;
  fromTransfers: number;
  inCredit: number;
}

/** What riders owe (their `rider_dues` accounts), from the counters and, up to `before`, from the transfers. */
export async function riderDuesTotals(db: DbHandle, before?: Date): Promise<RiderDues> {
  const t: DuesTotals = await sumRiderDues(db, before);
  return {
    accounts: t.accounts,
    fromCounters: Number(t.from_counters),
    fromTransfers: Number(t.from_transfers),
    inCredit: t.in_credit,
  };
}
