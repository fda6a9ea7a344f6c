export const ACCOUNT_KINDS = [
  'rider_wallet',
  'driver_wallet',
  /** A rider's IOU (issue 15): owing X is a transfer of X out of it, so its debit balance is what the rider owes. */
  'rider_dues',
  'platform_revenue',
  'cash_clearing',
  'provider_clearing',
  'withdrawals_pending',
  // Money sent out to drivers' banks and mobile wallets (paid payouts), migration 0020.
  'payout_clearing',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export type WalletKind = Extract<AccountKind, 'rider_wallet' | 'driver_wallet'>;
export type SystemAccountKind = Exclude<AccountKind, WalletKind | 'rider_dues'>;

/** What a movement was for; shown to users as a Transaction's `kind`. */
export const TRANSFER_KINDS = [
  'deposit',
  'trip_fare',
  // A service request's call-out fee and approved quote (issue 18 #6), customer → provider.
  'service_fee',
  'commission',
  'withdrawal',
  'transfer',
  'cancellation_fee',
  'tip',
  'dues',
  'refund',
  'card_fare',
  // A paid payout leaving withdrawals_pending; a failed one returned to the driver's wallet.
  'payout',
  'payout_returned',
] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

export type TransferPhase = 'posted' | 'pending' | 'post_pending' | 'void_pending';

/** An account's counters as read under its row lock. */
export interface AccountState {
  id: number;
  kind: AccountKind;
  ownerId: string | null;
  creditLimit: number;
  debitsPending: number;
  debitsPosted: number;
  creditsPending: number;
  creditsPosted: number;
}

/**
 * How far the debit side may go: 'none' = a wallet may not spend beyond what
 * it holds; 'credit_limit' = down to the wallet's credit limit (cash
 * commissions a driver owes). System accounts are never limited.
 */
export type Overdraft = 'none' | 'credit_limit';

export interface MoveInput {
  id: string;
  type: 'posted' | 'pending';
  debitAccountId: number;
  creditAccountId: number;
  amount: number;
  kind: TransferKind;
  reference?: string | null;
  overdraft?: Overdraft;
  /** Holds only: when the expiry job voids it. */
  timeoutAt?: Date | null;
}

export interface ResolveInput {
  id: string;
  type: 'post_pending' | 'void_pending';
  pendingId: string;
}

export type TransferInput = MoveInput | ResolveInput;

/** A stored transfer (immutable). */
export interface Transfer {
  id: string;
  seq: number;
  phase: TransferPhase;
  debitAccountId: number;
  creditAccountId: number;
  amount: number;
  kind: string;
  reference: string | null;
  pendingId: string | null;
  timeoutAt: Date | null;
  createdAt: Date;
}

/** A transfer about to be written (seq and createdAt come from the database). */
export type NewTransfer = Omit<Transfer, 'seq' | 'createdAt'>;

export type FailureReason =
  | 'exists_with_different_fields'
  | 'insufficient_funds'
  | 'account_not_found'
  | 'same_account'
  | 'invalid_amount'
  | 'pending_not_found'
  | 'pending_already_posted'
  | 'pending_already_voided'
  | 'pending_expired'
  | 'linked_transfer_failed';

export type TransferResult =
  | { id: string; status: 'created'; transfer: NewTransfer }
  | { id: string; status: 'exists'; transfer: NewTransfer }
  | { id: string; status: 'failed'; reason: FailureReason };

/** A stored hold and how (if at all) it was resolved, as seen under the account locks. */
export interface PendingInfo {
  transfer: NewTransfer;
  resolution: 'posted' | 'voided' | null;
}
