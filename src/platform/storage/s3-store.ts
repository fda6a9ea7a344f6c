import type { S3Client } from '@aws-sdk/client-s3';
import { assertObjectKey, type ObjectStore } from './object-store.js';

// The SDK is ~250 ms of module loading that a node on local-disk storage never needs: loaded on first use.
type Sdk = typeof import('@aws-sdk/client-s3');
let sdk: Promise<Sdk> | undefined;
const loadSdk = () => (sdk ??= import('@aws-sdk/client-s3'));

export interface S3StoreOptions {
  bucket: string;
  endpoint: string;
  region: string;
  /** Unset ⇒ the SDK's own credential chain (instance role, web identity). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

// An upload waits for these at most: a stuck bucket answers 503 to the provider, it does not hang the request.
const CONNECT_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 10_000;

const isMissing = (s3: Sdk, err: unknown) =>
  err instanceof s3.S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404);

/** S3-compatible storage (AWS, MinIO, R2) with path-style addressing; URLs are presigned GETs. */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  private client?: Promise<{ s3: Sdk; client: S3Client }>;

  constructor(private readonly opts: S3StoreOptions) {}

  private connect(): Promise<{ s3: Sdk; client: S3Client }> {
    return (this.client ??= loadSdk().then((s3) => ({ s3, client: this.newClient(s3) })));
  }

  private newClient(s3: Sdk): S3Client {
    const opts = this.opts;
    return new s3.S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: true,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      // S3-compatible stores vary in their support of the newer default CRC checksums; MD5-era behaviour works on all.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
      maxAttempts: 3,
    });
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    assertObjectKey(key);
    const { s3, client } = await this.connect();
    await client.send(
      new s3.PutObjectCommand({ Bucket: this.opts.bucket, Key: key, Body: bytes, ContentType: contentType }),
    );
  }

  async get(key: string) {
    assertObjectKey(key);
    const { s3, client } = await this.connect();
    try {
      const out = await client.send(new s3.GetObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      const bytes = Buffer.from(await out.Body!.transformToByteArray());
      return { bytes, contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      if (isMissing(s3, err)) return undefined;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    assertObjectKey(key);
    const { s3, client } = await this.connect();
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.opts.bucket, Key: key }));
  }

  async signedUrl(key: string, ttlS: number): Promise<string> {
    assertObjectKey(key);
    const [{ s3, client }, { getSignedUrl }] = await Promise.all([
      this.connect(),
      import('@aws-sdk/s3-request-presigner'),
    ]);
    return getSignedUrl(client, new s3.GetObjectCommand({ Bucket: this.opts.bucket, Key: key }), { expiresIn: ttlS });
  }

  close(): void {
    void this.client?.then(({ client }) => client.destroy());
  }
}
