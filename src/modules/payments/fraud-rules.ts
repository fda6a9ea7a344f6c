/**
 * Fraud checks before money becomes spendable or leaves (seed 001 phase 7:
 * velocity, amount anomaly, deposit-then-withdraw). A hit never loses money:
 * the deposit or withdrawal is held for an admin with the reason recorded.
 * Thresholds are piastres; they are policy, tuned by operations.
 */
export const FRAUD_LIMITS = {
  /** Above this a deposit request is refused outright (400): no rider tops up 20,000 EGP. */
  depositMax: 2_000_000,
  /** A single deposit above 10,000 EGP waits for review before it can be spent. */
  depositReviewOver: 1_000_000,
  /** More than this many deposits paid within an hour ⇒ review. */
  depositsPerHour: 5,
  /** Above this a withdrawal request is refused outright (400). */
  withdrawalMax: 5_000_000,
  /** A single withdrawal above 5,000 EGP ⇒ review. */
  withdrawalReviewOver: 500_000,
  /** Withdrawing within 24 h of a deposit is the classic card-testing / laundering pattern ⇒ review. */
  withdrawalAfterDepositMs: 24 * 3_600_000,
  /** More than this many withdrawals requested within a day ⇒ review. */
  withdrawalsPerDay: 3,
} as const;

export type ReviewReason =
  'single_amount_cap' | 'deposit_velocity' | 'withdrawal_soon_after_deposit' | 'withdrawal_velocity';

export function depositReviewReason(ctx: { amount: number; paidDepositsLastHour: number }): ReviewReason | null {
  if (ctx.amount > FRAUD_LIMITS.depositReviewOver) return 'single_amount_cap';
  if (ctx.paidDepositsLastHour >= FRAUD_LIMITS.depositsPerHour) return 'deposit_velocity';
  return null;
}

export function withdrawalReviewReason(ctx: {
  amount: number;
  lastDepositAt: Date | null;
  withdrawalsLastDay: number;
  now: Date;
}): ReviewReason | null {
  if (ctx.amount > FRAUD_LIMITS.withdrawalReviewOver) return 'single_amount_cap';
  if (ctx.lastDepositAt && ctx.now.getTime() - ctx.lastDepositAt.getTime() < FRAUD_LIMITS.withdrawalAfterDepositMs)
    return 'withdrawal_soon_after_deposit';
  if (ctx.withdrawalsLastDay >= FRAUD_LIMITS.withdrawalsPerDay) return 'withdrawal_velocity';
  return null;
}
