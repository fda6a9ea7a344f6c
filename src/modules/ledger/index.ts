export { registerLedgerRoutes, type WalletExtension } from './ledger.routes.js';
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
  transferById,
  type Applied,
} from './ledger.service.js';
export { ensureDuesAccount, findDuesAccount, duesOwed, duesOf } from './dues.service.js';
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
export {
  movementTotals,
  sumOf,
  totalsByReference,
  repeatedReferences,
  riderDuesTotals,
  type Movement,
  type RiderDues,
} from './ledger.report.js';
export { TransferBatcher } from './transfer-batcher.js';
export { transfersReferencing, type ReferencedTransfer } from './trip-transfers.service.js';

export * from './ledger.types.js';
