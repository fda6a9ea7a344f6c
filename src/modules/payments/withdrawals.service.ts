import { holdsGrant, STAFF_ACCESS } from '../../platform/http/route-config.js';
import type { Viewer } from '../trips/index.js';
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../platform/db/database.js';
import { conflict, notFound } from '../../platform/errors.js';
import { runUnitOfWork, type EventRecorder } from '../../platform/events/unit-of-work.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { PaymentsDeps } from './payments.deps.js';
import {
  CURRENCY,
  availableOf,
  ensureWallet,
  failureError,
  lockAccountStates,
  placeHold,
  postHold,
  systemAccounts,
  voidHold,
  type HoldExpiredListener,
} from '../ledger/index.js';
import { notify } from '../notifications/index.js';
import { lastPaidDepositAt } from './deposits.repo.js';
import { insertFinanceAlert } from './finance.repo.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';
import { withdrawalReviewReason } from './fraud-rules.js';
import { requirePayoutMethod } from './payout-methods.service.js';
import { createPayoutFor } from './payouts.service.js';
import type { WithdrawalRow, WithdrawalStatus } from './payments.tables.js';
import {
  countWithdrawalsSince,
  findWithdrawal,
  findWithdrawalByHold,
  insertWithdrawal,
  listWithdrawals,
  updateWithdrawalIf,
} from './withdrawals.repo.js';

/** An undecided withdrawal gives the money back to the driver after a week (ops policy). */
export const WITHDRAWAL_HOLD_TTL_MS = 7 * 24 * 3_600_000;
const DAY_MS = 24 * 3_600_000;
const OPEN: WithdrawalStatus[] = ['pending', 'review'];

export function toWithdrawalView(row: WithdrawalRow) {
  return {
    id: row.id,
    driverId: row.driver_id,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    reviewReason: row.review_reason,
    decidedAt: row.decided_at ? row.decided_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

async function recordResolved(events: EventRecorder, row: WithdrawalRow, by: string | null) {
  await events.record({
    type: 'wallet.withdrawal_resolved',
    aggregateType: 'withdrawal',
    aggregateId: row.id,
    actorId: by,
    payload: { withdrawalId: row.id, driverId: row.driver_id, amount: row.amount, status: row.status, by },
  });
}

/**
 * A driver asks for money out: a hold (two-phase transfer) on what the wallet
 * can spend now, so held or owed money can never leave. The wallet row is
 * locked before the fraud counters are read, so a burst of requests is judged
 * one at a time. 402 when the wallet cannot cover it, 409 when the driver has no payout method.
 */
export async function requestWithdrawal(deps: PaymentsDeps, driverId: string, amount: number) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const wallet = await ensureWallet(tx, {
      ownerId: driverId,
      kind: 'driver_wallet',
      creditLimit: deps.config.DRIVER_CREDIT_LIMIT,
    });
    const { withdrawals_pending } = await systemAccounts(tx);
    const locked = await lockAccountStates(tx, [wallet.id, withdrawals_pending]);
    // Refuse at once what cannot be covered: a burst of requests holds the wallet lock as briefly as possible.
    if (availableOf(locked.get(wallet.id)!) < amount) throw failureError('insufficient_funds');
    // Read only for requests the wallet can cover: a burst that mostly fails for funds costs no extra query.
    await requirePayoutMethod(tx, driverId);
    const now = new Date();
    const reason = withdrawalReviewReason({
      amount,
      lastDepositAt: await lastPaidDepositAt(tx, driverId),
      withdrawalsLastDay: await countWithdrawalsSince(tx, driverId, new Date(now.getTime() - DAY_MS)),
      now,
    });
    const id = randomUUID();
    const holdId = `withdrawal:${id}:hold`;
    await placeHold(tx, deps.jobs, {
      id: holdId,
      debitAccountId: wallet.id,
      creditAccountId: withdrawals_pending,
      amount,
      kind: 'withdrawal',
      reference: `withdrawal:${id}`,
      overdraft: 'none',
      timeoutAt: new Date(now.getTime() + WITHDRAWAL_HOLD_TTL_MS),
    });
    const created = await insertWithdrawal(tx, {
      id,
      driver_id: driverId,
      amount,
      status: reason ? 'review' : 'pending',
      hold_transfer_id: holdId,
      review_reason: reason,
    });
    if (reason)
      await insertFinanceAlert(tx, {
        kind: 'withdrawal_review',
        subjectId: id,
        message: `Withdrawal held for review: ${reason}`,
        details: { driverId, amount, reason },
      });
    await events.record({
      type: 'wallet.withdrawal_requested',
      aggregateType: 'withdrawal',
      aggregateId: id,
      actorId: driverId,
      payload: { withdrawalId: id, driverId, amount, status: created.status, reason },
    });
    return created;
  });
  deps.realtime.toAdmins('withdrawal:requested', toWithdrawalView(row));
  return toWithdrawalView(row);
}

async function resolveHold(tx: Tx, row: WithdrawalRow, decision: 'approve' | 'reject') {
  if (decision === 'approve') await postHold(tx, { id: `withdrawal:${row.id}:post`, pendingId: row.hold_transfer_id });
  else await voidHold(tx, { id: `withdrawal:${row.id}:void`, pendingId: row.hold_transfer_id });
}

/**
 * Admin approves (hold posted: the money is out, and a payout to the driver's method is created) or rejects
 * (hold voided: the driver can spend it again), with an audit row. The hold's
 * single resolution is the arbiter of races: approve vs reject vs expiry, one wins.
 */
export async function decideWithdrawal(
  deps: PaymentsDeps,
  args: { adminId: string; withdrawalId: string; decision: 'approve' | 'reject'; note: string | null },
) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const current = await findWithdrawal(tx, args.withdrawalId);
    if (!current) throw notFound('Withdrawal');
    const target: WithdrawalStatus = args.decision === 'approve' ? 'approved' : 'rejected';
    if (current.status === target) return current;
    if (!OPEN.includes(current.status)) throw conflict(`Withdrawal is already ${current.status}`);
    await resolveHold(tx, current, args.decision);
    const updated = await updateWithdrawalIf(tx, {
      id: current.id,
      from: OPEN,
      to: target,
      decidedBy: args.adminId,
      note: args.note,
    });
    if (!updated) throw conflict('Withdrawal changed meanwhile');
    if (target === 'approved') await createPayoutFor(tx, updated);
    await recordAudit(tx, {
      actorId: args.adminId,
      action: `withdrawal.${args.decision}`,
      targetType: 'withdrawal',
      targetId: current.id,
      details: {
        driverId: current.driver_id,
        amount: current.amount,
        reviewReason: current.review_reason,
        note: args.note,
      },
    });
    await notify(tx, deps.jobs, {
      userId: current.driver_id,
      template: `wallet.withdrawal_${target}`,
      data: { withdrawalId: current.id, amount: current.amount, currency: CURRENCY },
      priority: 'HIGH',
    });
    await recordResolved(events, updated, args.adminId);
    return updated;
  });
  return toWithdrawalView(row);
}

/** Ledger hook: a withdrawal hold timed out, so the request is over (same transaction as the release). */
export function withdrawalHoldExpired(deps: PaymentsDeps): HoldExpiredListener {
  return async (tx, events, hold) => {
    const row = await findWithdrawalByHold(tx, hold.id);
    if (!row) return;
    const expired = await updateWithdrawalIf(tx, {
      id: row.id,
      from: OPEN,
      to: 'expired',
      decidedBy: null,
      note: 'hold expired before a decision',
    });
    if (!expired) return;
    await notify(tx, deps.jobs, {
      userId: row.driver_id,
      template: 'wallet.withdrawal_expired',
      data: { withdrawalId: row.id, amount: row.amount, currency: CURRENCY },
      priority: 'NORMAL',
    });
    await recordResolved(events, expired, null);
  };
}

export async function getWithdrawal(deps: PaymentsDeps, viewer: Viewer, id: string) {
  const row = await findWithdrawal(deps.db, id);
  if (!row || (!holdsGrant(viewer, STAFF_ACCESS.money) && row.driver_id !== viewer.id)) throw notFound('Withdrawal');
  return toWithdrawalView(row);
}

export async function listWithdrawalsFor(
  deps: PaymentsDeps,
  args: { driverId?: string; status?: WithdrawalStatus; limit: number; cursor?: string },
) {
  const rows = await listWithdrawals(deps.db, {
    driverId: args.driverId,
    status: args.status,
    limit: args.limit,
    after: decodeCursor(args.cursor),
  });
  const { page, nextCursor } = pageOf(rows, args.limit);
  return { items: page.map(toWithdrawalView), nextCursor };
}
