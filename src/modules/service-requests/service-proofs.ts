import type { DbHandle, Tx } from '../../platform/db/database.js';
import { AppError, ErrorCode, conflict, notFound } from '../../platform/errors.js';
import { countProofs, insertProofs, listProofs, type NewProof, type ProofKind } from './service-proofs.repo.js';
import { canSee, type ServiceViewer } from './service-requests.service.js';
import { findServiceRequest, type ServiceRequestRow, type ServiceStatus } from './service-requests.repo.js';

/** Issue 18 #5: at most five photos per request. */
export const MAX_PROOF_PHOTOS = 5;
/** Proof is given on site: from arrival until the work is completed. */
const PROOF_STATUSES: readonly ServiceStatus[] = ['arrived', 'quoted', 'in_progress'];

/** One stored image of an upload, already in object storage under these keys. */
export interface StoredProof {
  id: string;
  kind: ProofKind;
  objectKey: string;
  thumbnailKey: string;
  contentType: 'image/jpeg' | 'image/png';
  bytes: number;
}

/**
 * Photos are the assigned provider's; the signature is the customer's own, given from their account (a signature
 * "from the provider's own account" proves nothing). Anyone else: 404, as for reading the request.
 */
function assertUploader(row: ServiceRequestRow, viewer: ServiceViewer, kinds: Set<ProofKind>) {
  const isCustomer = row.customer_id === viewer.id;
  const isProvider = row.provider_id === viewer.id;
  if (!isCustomer && !isProvider) throw notFound('Service request');
  if (kinds.has('signature') && !isCustomer)
    throw new AppError(ErrorCode.FORBIDDEN, 'Only the customer signs, from their own account', {
      reason: 'signature_not_customer',
    });
  if (kinds.has('photo') && !isProvider)
    throw new AppError(ErrorCode.FORBIDDEN, 'Only the assigned provider uploads photos', {
      reason: 'photo_not_provider',
    });
}

/** Uploader, status and photo count: checked before decoding (cheap refusal) and again under the row lock. */
async function checkUpload(
  db: DbHandle,
  a: { requestId: string; viewer: ServiceViewer; kinds: ProofKind[]; lock: boolean },
): Promise<ServiceRequestRow> {
  const row = await findServiceRequest(db, a.requestId, { lock: a.lock });
  if (!row) throw notFound('Service request');
  assertUploader(row, a.viewer, new Set(a.kinds));
  if (!PROOF_STATUSES.includes(row.status))
    throw conflict(`Proof is given on site, not while the request is ${row.status}`, { status: row.status });
  const photos = a.kinds.filter((k) => k === 'photo').length;
  const had = await countProofs(db, row.id);
  if (had.photo + photos > MAX_PROOF_PHOTOS)
    throw new AppError(ErrorCode.VALIDATION_ERROR, `At most ${MAX_PROOF_PHOTOS} photos per request`, [
      { field: 'body.photos', message: `${had.photo} already uploaded, at most ${MAX_PROOF_PHOTOS} in all` },
    ]);
  return row;
}

/** Whether this viewer may upload these kinds of proof now (no lock: the recording checks again). */
export async function assertMayUpload(
  db: DbHandle,
  a: { requestId: string; viewer: ServiceViewer; kinds: ProofKind[] },
) {
  await checkUpload(db, { ...a, lock: false });
}

/**
 * Records uploaded proof under the request's row lock (concurrent uploads cannot pass five photos together).
 * Throws — and the caller removes the objects — when the uploader, the status or the count does not allow it.
 */
export async function recordProofs(tx: Tx, a: { requestId: string; viewer: ServiceViewer; proofs: StoredProof[] }) {
  const kinds = a.proofs.map((p) => p.kind);
  const row = await checkUpload(tx, { requestId: a.requestId, viewer: a.viewer, kinds, lock: true });
  const rows: NewProof[] = a.proofs.map((p) => ({
    id: p.id,
    request_id: row.id,
    kind: p.kind,
    object_key: p.objectKey,
    thumbnail_key: p.thumbnailKey,
    content_type: p.contentType,
    bytes: p.bytes,
    uploaded_by: a.viewer.id,
  }));
  return insertProofs(tx, rows);
}

/**
 * Issue 18 #5: `completed` needs a photo and either the customer's signature or their completion code. A code
 * that is given and wrong is INVALID_OTP (like the ride OTP), so the provider knows to ask again.
 */
export async function assertProofOfService(tx: Tx, row: ServiceRequestRow, code: string | undefined) {
  const had = await countProofs(tx, row.id);
  if (code !== undefined && code !== row.completion_code)
    throw new AppError(ErrorCode.INVALID_OTP, 'The completion code is wrong');
  if (had.photo === 0 || (had.signature === 0 && code === undefined))
    throw conflict('Proof of service is missing: a photo and the customer’s signature or code', {
      reason: 'proof_missing',
      photos: had.photo,
      signatures: had.signature,
    });
}

/** The request's proof rows, for its customer, provider or an admin; anyone else 404. */
export async function proofsVisibleTo(db: DbHandle, requestId: string, viewer: ServiceViewer) {
  const row = await findServiceRequest(db, requestId);
  if (!row || !canSee(row, viewer)) throw notFound('Service request');
  return listProofs(db, requestId);
}
