/**
 * Object storage port (DESIGN "images / files"): proof-of-service photos live here, not in Postgres. Two adapters
 * with the same contract: local disk (default, one node) and S3-compatible (several nodes, S3_BUCKET/S3_ENDPOINT).
 */
export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export interface ObjectStore {
  readonly kind: 'disk' | 's3';
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Undefined when no object has the key. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Removing a missing key is not an error (clean-up after a failed upload may run twice). */
  remove(key: string): Promise<void>;
  /** A URL that serves the object without other credentials until `ttlS` seconds from now. */
  signedUrl(key: string, ttlS: number): Promise<string>;
  /** Releases connections (S3's keep-alive sockets) when the app closes. */
  close?(): void;
}

/** Keys are ours (uuid paths), never a client's file name: this also keeps a disk key inside its directory. */
export const OBJECT_KEY = /^[a-z0-9-]+(\/[a-z0-9-]+)*\.(jpg|png)$/;

export function assertObjectKey(key: string): void {
  if (!OBJECT_KEY.test(key)) throw new Error(`invalid object key ${JSON.stringify(key)}`);
}
