import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { DbHandle, Tx } from '../../platform/db/database.js';
import { conflict, notFound } from '../../platform/errors.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { CURRENCY, ensureWallet, systemAccounts, transfer, type MoveInput } from '../ledger/index.js';
import { notify } from '../notifications/index.js';
import { localDayBounds } from './finance.repo.js';
import type { PaymentsDeps } from './payments.deps.js';
import type { PayoutRow, PayoutStatus, WithdrawalRow } from './payments.tables.js';
import { maskIban, maskPhone, requirePayoutMethod } from './payout-methods.service.js';
import { findPayout, insertPayoutOnce, listPayouts, listPayoutsForBatch, settlePayoutIf } from './payouts.repo.js';
import { REPORT_TIME_ZONE } from './reports.service.js';

/** What finance writes on the bank transfer: fits a 35-character SWIFT narrative line. */
export function transferReferenceOf(payoutId: string): string {
  return `SL${payoutId.replaceAll('-', '').toUpperCase()}`;
}

export function toPayoutView(row: PayoutRow) {
  return {
    id: row.id,
    withdrawalId: row.withdrawal_id,
    driverId: row.driver_id,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    method: {
      type: row.method_type,
      iban: row.iban ? maskIban(row.iban) : null,
      holderName: row.holder_name,
      phone: row.phone ? maskPhone(row.phone) : null,
    },
    transferReference: transferReferenceOf(row.id),
    bankReference: row.bank_reference,
    failureReason: row.failure_reason,
    decidedAt: row.decided_at ? row.decided_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Called in the transaction that approves a withdrawal: the payout snapshots the driver's payout method as it
 * is now, so a later change of method does not redirect money already on its way.
 */
export async function createPayoutFor(tx: Tx, withdrawal: WithdrawalRow): Promise<PayoutRow> {
  const method = await requirePayoutMethod(tx, withdrawal.driver_id);
  return insertPayoutOnce(tx, {
    id: randomUUID(),
    withdrawal_id: withdrawal.id,
    driver_id: withdrawal.driver_id,
    amount: withdrawal.amount,
    method_type: method.type,
    iban: method.iban,
    holder_name: method.holder_name,
    phone: method.phone,
  });
}

type Outcome = { to: 'paid'; bankReference: string } | { to: 'failed'; reason: string };

/** Paid: the money left for the bank. Failed: it goes back to the driver's wallet. One transfer per payout. */
async function moveMoney(tx: Tx, deps: PaymentsDeps, payout: PayoutRow, to: Outcome['to']): Promise<void> {
  const sys = await systemAccounts(tx);
  const base = { type: 'posted', debitAccountId: sys.withdrawals_pending, amount: payout.amount } as const;
  const reference = `payout:${payout.id}`;
  let move: MoveInput;
  if (to === 'paid') {
    move = { ...base, id: `${reference}:paid`, creditAccountId: sys.payout_clearing, kind: 'payout', reference };
  } else {
    const wallet = await ensureWallet(tx, {
      ownerId: payout.driver_id,
      kind: 'driver_wallet',
      creditLimit: deps.config.DRIVER_CREDIT_LIMIT,
    });
    move = { ...base, id: `${reference}:returned`, creditAccountId: wallet.id, kind: 'payout_returned', reference };
  }
  await transfer(tx, move);
}

/** Another call decided first: the same decision again is its answer (a retry); anything else is 409. */
function answerForDecided(current: PayoutRow, outcome: Outcome): PayoutRow {
  const same =
    current.status === outcome.to &&
    (outcome.to === 'paid'
      ? current.bank_reference === outcome.bankReference
      : current.failure_reason === outcome.reason);
  if (same) return current;
  throw conflict(`Payout is already ${current.status}`, { status: current.status });
}

/**
 * Finance marks a payout paid (with the bank's reference) or failed (the money returns to the driver's wallet).
 * The compare-and-set on the payout's status picks one winner among concurrent calls; only the winner moves
 * money, in the same transaction, and the transfer id derives from the payout so no retry can move it twice.
 */
export async function decidePayout(deps: PaymentsDeps, args: { adminId: string; payoutId: string; outcome: Outcome }) {
  const { outcome } = args;
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const current = await findPayout(tx, args.payoutId);
    if (!current) throw notFound('Payout');
    if (current.status !== 'pending') return answerForDecided(current, outcome);
    const updated = await settlePayoutIf(tx, {
      id: current.id,
      to: outcome.to,
      by: args.adminId,
      bankReference: outcome.to === 'paid' ? outcome.bankReference : undefined,
      reason: outcome.to === 'failed' ? outcome.reason : undefined,
    });
    if (!updated) return answerForDecided((await findPayout(tx, current.id))!, outcome);
    await moveMoney(tx, deps, updated, outcome.to);
    await recordAudit(tx, {
      actorId: args.adminId,
      action: `payout.${outcome.to}`,
      targetType: 'payout',
      targetId: updated.id,
      details: { driverId: updated.driver_id, amount: updated.amount, ...outcome },
    });
    await notify(tx, deps.jobs, {
      userId: updated.driver_id,
      template: `wallet.payout_${outcome.to}`,
      data: { payoutId: updated.id, amount: updated.amount, currency: CURRENCY },
      priority: 'HIGH',
    });
    await events.record({
      type: 'wallet.payout_resolved',
      aggregateType: 'payout',
      aggregateId: updated.id,
      actorId: args.adminId,
      payload: { payoutId: updated.id, driverId: updated.driver_id, amount: updated.amount, status: outcome.to },
    });
    return updated;
  });
  return toPayoutView(row);
}

async function dayRange(db: DbHandle, date: string | undefined) {
  return date ? localDayBounds(db, { day: date, timeZone: REPORT_TIME_ZONE }) : {};
}

export async function listPayoutsFor(
  db: DbHandle,
  args: { status?: PayoutStatus; date?: string; limit: number; cursor?: string },
) {
  const rows = await listPayouts(db, {
    status: args.status,
    ...(await dayRange(db, args.date)),
    limit: args.limit,
    after: decodeCursor(args.cursor),
  });
  const { page, nextCursor } = pageOf(rows, args.limit);
  return { items: page.map(toPayoutView), nextCursor };
}

/** EGP with two decimals from integer piastres, without floating point. */
export function formatEgp(piastres: number): string {
  const sign = piastres < 0 ? '-' : '';
  const abs = Math.abs(piastres);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export const PAYOUT_CSV_COLUMNS = ['id', 'holder', 'iban_or_phone', 'amount_egp', 'reference'];

/**
 * The bank batch of one day (Cairo time): every payout created that day still waiting to be paid, with the
 * full IBAN or phone (the bank needs it). Cells that a spreadsheet would run as a formula are escaped.
 */
export async function exportPayoutBatch(db: DbHandle, date: string): Promise<string> {
  const range = await localDayBounds(db, { day: date, timeZone: REPORT_TIME_ZONE });
  const rows = await listPayoutsForBatch(db, { status: 'pending', ...range });
  const lines = rows.map((p) => [
    p.id,
    p.holder_name ?? '',
    p.iban ?? p.phone ?? '',
    formatEgp(p.amount),
    transferReferenceOf(p.id),
  ]);
  return stringify([PAYOUT_CSV_COLUMNS, ...lines], { escape_formulas: true, record_delimiter: 'windows' });
}
