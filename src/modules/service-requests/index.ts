export {
  getServiceRequest,
  insertRequestedService,
  listServiceRequestsFor,
  requestAwaitingProvider,
  toServiceRequestView,
  type ServiceViewer,
} from './service-requests.service.js';
export {
  CreateServiceRequest,
  ListServiceRequestsQuery,
  ServiceEstimateRequest,
  ServiceEstimateSchema,
  ServiceRequestIdParams,
  ServiceRequestSchema,
  QuoteSchema,
} from './service-requests.schema.js';
export type { ServiceRequestRow, ServiceStatus } from './service-requests.repo.js';
export { moveServiceRequest, REPEAT_BUCKET_MS, type MoveRequest } from './service-moves.js';
export { MoveServiceRequest, ServiceOfferResponse } from './service-requests.schema.js';
export { approveQuote, declineQuote, postQuote, type QuoteLine } from './service-quotes.js';
export { assignProvider, endSearchWithoutProvider, serviceRecords } from './service-dispatch.js';
export {
  PostQuoteRequest,
  QuoteDecisionRequest,
  ServiceProofSchema,
  ServiceReceiptSchema,
} from './service-requests.schema.js';
export {
  assertMayUpload,
  MAX_PROOF_PHOTOS,
  proofsVisibleTo,
  recordProofs,
  type StoredProof,
} from './service-proofs.js';
export type { ProofRow, ProofKind } from './service-proofs.repo.js';
export {
  invoiceOf,
  recordServiceSettlement,
  serviceReceipt,
  serviceSettlementTotals,
  serviceSettlements,
  type InvoiceItem,
  type ServiceSettlementRow,
} from './service-invoice.js';
export { proofThumbnailOf, serviceJobRecord } from './service-trace.js';
