export { registerLedgerRoutes } from './ledger.routes.js';
export { registerLedgerTasks, type HoldExpiredListener } from './ledger.tasks.js';
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
} from './ledger.service.js';
export {
  ensureWallet,
  findWallet,
  systemAccounts,
  walletSummary,
  assertCanPay,
  platformRevenueByDay,
  walletKindFor,
  CURRENCY,
} from './wallet.service.js';
export { auditLedger, ledgerDepositTotals, type AuditCheck } from './ledger.audit.js';
export { availableOf, isMoveInput } from './ledger.engine.js';
export { TransferBatcher } from './transfer-batcher.js';

export * from './ledger.types.js';
