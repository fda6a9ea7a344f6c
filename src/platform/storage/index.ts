import type { Config } from '../../config.js';
import { DiskObjectStore } from './disk-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';
import { UrlSigner } from './signed-url.js';

export { OBJECT_KEY, type ObjectStore, type StoredObject } from './object-store.js';
export { UrlSigner } from './signed-url.js';
export { normaliseImage, ImageRejected, type NormalisedImage } from './images.js';

/** Where the local-disk adapter's signed URLs point (objects.routes.ts serves them). */
export const OBJECTS_URL_PREFIX = '/api/v1/objects';

type StoreConfig = Pick<
  Config,
  | 'OBJECTS_DIR'
  | 'S3_BUCKET'
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'quoteSecret'
>;

/** S3 when both S3_BUCKET and S3_ENDPOINT are set, else local disk under OBJECTS_DIR. */
export function createObjectStore(config: StoreConfig): { store: ObjectStore; signer: UrlSigner } {
  const signer = new UrlSigner(config.quoteSecret);
  if (config.S3_BUCKET && config.S3_ENDPOINT) {
    const { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = config;
    const store = new S3ObjectStore({
      bucket: config.S3_BUCKET,
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    });
    return { store, signer };
  }
  return { store: new DiskObjectStore(config.OBJECTS_DIR, signer, OBJECTS_URL_PREFIX), signer };
}
