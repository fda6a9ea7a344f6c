import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/database.js';
import { withTransaction } from '../platform/db/transaction.js';
import { AppError, ErrorCode } from '../platform/errors.js';
import { ImageRejected, normaliseImage, type ObjectStore } from '../platform/storage/index.js';
import {
  assertMayUpload,
  proofsVisibleTo,
  recordProofs,
  type ProofRow,
  type ServiceViewer,
  type StoredProof,
} from '../modules/service-requests/index.js';

export interface ServiceProofDeps {
  db: Db;
  store: ObjectStore;
  /** Seconds a proof URL stays valid (OBJECT_URL_TTL_S). */
  urlTtlS: number;
}

export interface ProofUpload {
  photos: Buffer[];
  signature?: Buffer;
}

const rejected = (field: string, message: string) =>
  new AppError(ErrorCode.VALIDATION_ERROR, 'The upload is not an accepted image', [{ field, message }]);

/** Decodes every file before anything is stored: one bad file refuses the whole upload. */
async function normaliseAll(upload: ProofUpload) {
  const files = [
    ...upload.photos.map((bytes, i) => ({ kind: 'photo' as const, field: `body.photos[${i}]`, bytes })),
    ...(upload.signature ? [{ kind: 'signature' as const, field: 'body.signature', bytes: upload.signature }] : []),
  ];
  if (files.length === 0) throw rejected('body.photos', 'send at least one photo or a signature');
  return Promise.all(
    files.map(async (f) => {
      try {
        return { kind: f.kind, image: await normaliseImage(f.bytes, f.kind === 'signature' ? { only: 'png' } : {}) };
      } catch (err) {
        if (err instanceof ImageRejected) throw rejected(f.field, err.message);
        throw err;
      }
    }),
  );
}

async function storeAll(store: ObjectStore, requestId: string, images: Awaited<ReturnType<typeof normaliseAll>>) {
  const written: string[] = [];
  const proofs: StoredProof[] = [];
  try {
    for (const { kind, image } of images) {
      const id = randomUUID();
      const ext = image.format === 'png' ? 'png' : 'jpg';
      const objectKey = `service-requests/${requestId}/${id}.${ext}`;
      const thumbnailKey = `service-requests/${requestId}/${id}-thumb.${ext}`;
      await store.put(objectKey, image.bytes, image.contentType);
      written.push(objectKey);
      await store.put(thumbnailKey, image.thumbnail, image.contentType);
      written.push(thumbnailKey);
      proofs.push({ id, kind, objectKey, thumbnailKey, contentType: image.contentType, bytes: image.bytes.length });
    }
  } catch (err) {
    await removeAll(store, written);
    throw err;
  }
  return { proofs, written };
}

async function removeAll(store: ObjectStore, keys: string[]) {
  await Promise.allSettled(keys.map((key) => store.remove(key)));
}

/**
 * Issue 18 #5: proof of service. Images are re-encoded without metadata, stored, then recorded under the
 * request's row lock; whatever is refused after the objects were written removes them again, so a refused
 * upload leaves no file behind. Returns every proof of the request.
 */
export async function uploadProof(
  deps: ServiceProofDeps,
  a: { requestId: string; viewer: ServiceViewer; upload: ProofUpload },
) {
  // Who may upload what is checked before any decoding: a stranger or a provider "signing" costs no CPU.
  const kinds = [...a.upload.photos.map(() => 'photo' as const), ...(a.upload.signature ? ['signature' as const] : [])];
  await assertMayUpload(deps.db, { requestId: a.requestId, viewer: a.viewer, kinds });
  const images = await normaliseAll(a.upload);
  const { proofs, written } = await storeAll(deps.store, a.requestId, images);
  try {
    await withTransaction(deps.db, (tx) => recordProofs(tx, { requestId: a.requestId, viewer: a.viewer, proofs }));
  } catch (err) {
    await removeAll(deps.store, written);
    throw err;
  }
  return listProof(deps, a);
}

async function toProofView(deps: ServiceProofDeps, row: ProofRow) {
  return {
    id: row.id,
    kind: row.kind,
    url: await deps.store.signedUrl(row.object_key, deps.urlTtlS),
    thumbnailUrl: await deps.store.signedUrl(row.thumbnail_key, deps.urlTtlS),
    createdAt: row.created_at.toISOString(),
  };
}

/** The proof of a request with short-lived signed URLs, for its customer, its provider and admins. */
export async function listProof(deps: ServiceProofDeps, a: { requestId: string; viewer: ServiceViewer }) {
  const rows = await proofsVisibleTo(deps.db, a.requestId, a.viewer);
  return Promise.all(rows.map((row) => toProofView(deps, row)));
}
