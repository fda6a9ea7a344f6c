import type { DbHandle } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { findProof, listProofs } from './service-proofs.repo.js';
import { listQuoteRevisions } from './service-quotes.repo.js';
import { findServiceRequest } from './service-requests.repo.js';
import { toQuoteView } from './quote-view.js';

/**
 * Issue 19.4 "job trace": the request with every quote revision and the proof uploaded, for staff (the route
 * checks the staff grant; customers and providers read their own request through the ordinary routes).
 */
export async function serviceJobRecord(db: DbHandle, requestId: string) {
  const row = await findServiceRequest(db, requestId);
  if (!row) throw notFound('Service request');
  const [quotes, proofs] = await Promise.all([listQuoteRevisions(db, row.id), listProofs(db, row.id)]);
  return {
    request: {
      id: row.id,
      status: row.status,
      serviceType: row.service_type,
      customerId: row.customer_id,
      providerId: row.provider_id,
      createdAt: row.created_at.toISOString(),
      point: { lat: row.lat, lng: row.lng },
      estimate: { items: row.estimate_items, total: row.estimate_total },
      cancelReason: row.cancel_reason,
    },
    quotes: quotes.map(toQuoteView),
    proofs: proofs.map((p) => ({
      id: p.id,
      kind: p.kind,
      uploadedBy: p.uploaded_by,
      bytes: p.bytes,
      createdAt: p.created_at.toISOString(),
    })),
  };
}

/** Where one proof's thumbnail is stored, for staff (the route checks the grant); 404 for a proof of another job. */
export async function proofThumbnailOf(db: DbHandle, k: { requestId: string; proofId: string }) {
  const proof = await findProof(db, k);
  if (!proof) throw notFound('Proof');
  return { key: proof.thumbnail_key, contentType: proof.content_type };
}
