import { conflict, notFound } from '../../platform/errors.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import type { PaymentsDeps } from './payments.deps.js';
import { CURRENCY, postHold, voidHold } from '../ledger/index.js';
import { notify } from '../notifications/index.js';
import { findDeposit, updateDepositIf } from './deposits.repo.js';
import { toDepositView } from './deposits.service.js';
import { insertFinanceAlert } from './finance.repo.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';

export type ReviewDecision = 'approve' | 'reject';

/**
 * An admin releases or refuses a deposit that a fraud rule held. Approve
 * posts the held credit; reject voids it (the refund to the card goes through
 * Kashier's console: an alert row says so). Repeating the same decision
 * answers with the deposit as it is; the opposite one is 409.
 */
export async function decideHeldDeposit(
  deps: PaymentsDeps,
  adminId: string,
  depositId: string,
  decision: ReviewDecision,
  note: string | null,
) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx) => {
    const deposit = await findDeposit(tx, depositId);
    if (!deposit) throw notFound('Deposit');
    const target = decision === 'approve' ? 'credited' : 'rejected';
    if (deposit.status === target && deposit.review_reason) return deposit;
    if (deposit.status !== 'held') throw conflict(`Deposit is ${deposit.status}, not held for review`);
    const holdId = `deposit:${deposit.id}`;
    if (decision === 'approve') await postHold(tx, { id: `${holdId}:post`, pendingId: holdId });
    else await voidHold(tx, { id: `${holdId}:void`, pendingId: holdId });
    const moved = await updateDepositIf(tx, { id: deposit.id, from: ['held'], set: { status: target } });
    if (!moved) throw conflict('Deposit changed meanwhile');
    await recordAudit(tx, {
      actorId: adminId,
      action: `deposit.${decision}`,
      targetType: 'deposit',
      targetId: deposit.id,
      details: { amount: deposit.amount, userId: deposit.user_id, reviewReason: deposit.review_reason, note },
    });
    if (decision === 'reject') {
      await insertFinanceAlert(tx, {
        kind: 'deposit_refund_due',
        subjectId: deposit.id,
        message: 'Rejected deposit: refund the payer through Kashier',
        details: { amount: deposit.amount, transactionId: deposit.provider_transaction_id },
      });
    }
    const template = decision === 'approve' ? 'wallet.deposit_credited' : 'wallet.deposit_rejected';
    await notify(tx, deps.jobs, {
      userId: deposit.user_id,
      template,
      data: { depositId: deposit.id, amount: deposit.amount, currency: CURRENCY },
      priority: 'HIGH',
    });
    return moved;
  });
  return toDepositView(row);
}
