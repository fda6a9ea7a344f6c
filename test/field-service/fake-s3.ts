/**
 * A local stand-in for an S3-compatible bucket, written from S3's REST API reference (path-style
 * `/{bucket}/{key}`), not from our adapter: PutObject, GetObject and DeleteObject with SigV4 in the
 * Authorization header or in a presigned query, and S3's XML error bodies (NoSuchKey, NoSuchBucket,
 * AccessDenied). It does not verify signatures (that is AWS's code, not ours); it refuses unsigned calls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface FakeObject {
  bytes: Buffer;
  contentType: string;
}

function sendError(res: ServerResponse, status: number, code: string, message: string, resource: string) {
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
      `<Resource>${resource}</Resource><RequestId>${requestId}</RequestId></Error>`,
  );
}

const isSigned = (req: IncomingMessage, url: URL) =>
  String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ') ||
  (url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && url.searchParams.has('X-Amz-Signature'));

export class FakeS3 {
  readonly objects = new Map<string, FakeObject>();
  /** Every call received: method, key and whether it came through a presigned URL. */
  readonly calls: Array<{ method: string; key: string; presigned: boolean }> = [];

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    readonly bucket: string,
  ) {}

  static async start(bucket = 'proofs'): Promise<FakeS3> {
    const ref: { self?: FakeS3 } = {};
    const server = createServer((req, res) => void ref.self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.self = new FakeS3(server, `http://127.0.0.1:${port}`, bucket);
    return ref.self;
  }

  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.endpoint);
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (!isSigned(req, url)) return sendError(res, 403, 'AccessDenied', 'Access Denied', url.pathname);
    if (bucket !== this.bucket)
      return sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', url.pathname);
    this.calls.push({ method: req.method ?? '', key, presigned: url.searchParams.has('X-Amz-Signature') });
    if (req.method === 'PUT') {
      this.objects.set(key, {
        bytes: Buffer.concat(chunks),
        contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
      });
      res.writeHead(200, { etag: `"${randomUUID()}"` });
      return res.end();
    }
    if (req.method === 'DELETE') {
      this.objects.delete(key);
      res.writeHead(204);
      return res.end();
    }
    const object = this.objects.get(key);
    if (!object) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', url.pathname);
    res.writeHead(200, { 'content-type': object.contentType, 'content-length': object.bytes.length });
    res.end(req.method === 'HEAD' ? undefined : object.bytes);
  }
}
