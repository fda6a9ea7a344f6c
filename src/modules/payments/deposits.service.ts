import type { Config } from '../../config.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, notFound } from '../../platform/errors.js';
import type { AuthUser } from '../../platform/http/route-config.js';
import type { PaymentsConfig, PaymentsDeps } from './payments.deps.js';
import { CURRENCY, ensureWallet, walletKindFor } from '../ledger/index.js';
import { findDeposit, insertDeposit } from './deposits.repo.js';
import { buildPaymentUrl, type KashierSettings } from './kashier.js';
import type { DepositRow } from './payments.tables.js';

export function kashierSettings(config: PaymentsConfig): KashierSettings {
  return {
    merchantId: config.kashierMerchantId,
    apiKeys: config.kashierApiKeys,
    mode: config.KASHIER_MODE,
    checkoutUrl: config.KASHIER_CHECKOUT_URL,
    redirectUrl: config.KASHIER_REDIRECT_URL,
    webhookUrl: config.KASHIER_WEBHOOK_URL,
  };
}

export function walletOwnerOf(user: Pick<AuthUser, 'id' | 'role'>, config: Pick<Config, 'DRIVER_CREDIT_LIMIT'>) {
  if (user.role === 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Admins have no wallet');
  return { ownerId: user.id, kind: walletKindFor(user.role), creditLimit: config.DRIVER_CREDIT_LIMIT };
}

export function toDepositView(row: DepositRow) {
  return {
    id: row.id,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    reviewReason: row.review_reason,
    createdAt: row.created_at.toISOString(),
    paidAt: row.paid_at ? row.paid_at.toISOString() : null,
  };
}

/** Opens a deposit and the Kashier page to pay it; nothing is credited until Kashier's webhook says so. */
export async function createDeposit(deps: PaymentsDeps, user: Pick<AuthUser, 'id' | 'role'>, amount: number) {
  const owner = walletOwnerOf(user, deps.config);
  const row = await withTransaction(deps.db, async (tx) => {
    await ensureWallet(tx, owner);
    return insertDeposit(tx, { userId: user.id, amount });
  });
  const paymentUrl = buildPaymentUrl(kashierSettings(deps.config), { orderId: row.id, amount, currency: CURRENCY });
  return { depositId: row.id, paymentUrl, ...toDepositView(row) };
}

export async function getOwnDeposit(deps: PaymentsDeps, userId: string, id: string) {
  const row = await findDeposit(deps.db, id);
  if (!row || row.user_id !== userId) throw notFound('Deposit');
  return toDepositView(row);
}
