/** Crediting a paid deposit (or holding it for review), applied by the Kashier event job. */
import type { Tx } from '../../platform/db/database.js';
import type { EventRecorder } from '../../platform/events/unit-of-work.js';
import type { PaymentsDeps } from './payments.deps.js';
import { CURRENCY, findWallet, placeHold, systemAccounts, transfer } from '../ledger/index.js';
import { notify } from '../notifications/index.js';
import { countPaidDepositsSince, updateDepositIf } from './deposits.repo.js';
import { insertFinanceAlert } from './finance.repo.js';
import { depositReviewReason } from './fraud-rules.js';
import type { KashierPayment } from './kashier-webhook.service.js';
import type { DepositRow } from './payments.tables.js';

const HOUR_MS = 3_600_000;

export async function alert(
  tx: Tx,
  kind: string,
  subjectId: string | null,
  message: string,
  details: Record<string, unknown>,
) {
  await insertFinanceAlert(tx, { kind, subjectId, message, details });
}

/** A successful payment for a deposit we hold: credit it now, or hold it for review if a fraud rule hits. */
export async function creditPaidDeposit(
  deps: PaymentsDeps,
  tx: Tx,
  events: EventRecorder,
  deposit: DepositRow,
  p: KashierPayment,
): Promise<string> {
  const now = new Date();
  const reason = depositReviewReason({
    amount: deposit.amount,
    paidDepositsLastHour: await countPaidDepositsSince(tx, deposit.user_id, new Date(now.getTime() - HOUR_MS)),
  });
  const moved = await updateDepositIf(tx, {
    id: deposit.id,
    from: ['pending', 'failed'],
    set: {
      status: reason ? 'held' : 'credited',
      provider_transaction_id: p.transactionId,
      review_reason: reason,
      paid_at: now,
    },
  });
  if (!moved) {
    await alert(
      tx,
      'kashier_duplicate_payment',
      deposit.id,
      'A second successful payment arrived for a deposit already paid',
      { transactionId: p.transactionId },
    );
    return 'already_paid';
  }
  // Created with the deposit (createDeposit), when the payer's role was known.
  const wallet = await findWallet(tx, deposit.user_id);
  if (!wallet) throw new Error(`wallet of deposit ${deposit.id} is missing`);
  const { provider_clearing } = await systemAccounts(tx);
  const move = {
    id: `deposit:${deposit.id}`,
    debitAccountId: provider_clearing,
    creditAccountId: wallet.id,
    amount: deposit.amount,
    kind: 'deposit' as const,
    reference: `deposit:${deposit.id}`,
  };
  if (reason) {
    await placeHold(tx, deps.jobs, move);
    await alert(tx, 'deposit_review', deposit.id, `Deposit held for review: ${reason}`, {
      userId: deposit.user_id,
      amount: deposit.amount,
      reason,
    });
  } else {
    await transfer(tx, { ...move, type: 'posted' });
  }
  await events.record({
    type: 'wallet.deposit_paid',
    aggregateType: 'deposit',
    aggregateId: deposit.id,
    actorId: null,
    payload: { depositId: deposit.id, userId: deposit.user_id, amount: deposit.amount, held: reason !== null, reason },
  });
  const template = reason ? 'wallet.deposit_held' : 'wallet.deposit_credited';
  await notify(tx, deps.jobs, {
    userId: deposit.user_id,
    template,
    data: { depositId: deposit.id, amount: deposit.amount, currency: CURRENCY },
    priority: 'HIGH',
  });
  return reason ? 'held' : 'credited';
}
