export { registerLedgerRoutes } from './ledger.routes.js';
export { registerLedgerTasks, type HoldExpiredListener, type LedgerTaskHooks } from './ledger.tasks.js';
export {
  createTransfers,
  transfer,
  transferAll,
  placeHold,
  postHold,
  voidHold,
  expireHold,
  lockAccountStates,
  failureError,
  type Applied,
  type CreateTransfersOptions,
} from './ledger.service.js';
export {
  ensureWallet,
  findWallet,
  systemAccounts,
  walletSummary,
  summarize,
  assertCanPay,
  listWalletTransactions,
  platformRevenueByDay,
  walletKindFor,
  CURRENCY,
  type WalletOwner,
  type WalletSummary,
  type WalletTransaction,
} from './wallet.service.js';
export { auditLedger, ledgerDepositTotals, type AuditCheck } from './ledger.audit.js';
export { availableOf, evaluateTransfers, isMoveInput, TRANSFER_ID } from './ledger.engine.js';
export { TransferBatcher, type BatcherOptions } from './transfer-batcher.js';
export { expireHoldTask } from './expire-hold.task.js';
export { WalletSchema, WalletTransactionSchema } from './ledger.schema.js';
export * from './ledger.types.js';
