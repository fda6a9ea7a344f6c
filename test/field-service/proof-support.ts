/** Images and multipart uploads for the proof-of-service suites (not a test file itself). */
import sharp from 'sharp';
import type { TestApp, TestUser } from '../../support/harness.js';
import { assignBySql, requestService } from './support.js';

/** A phone photo as cameras write it: JPEG with EXIF GPS (Tahrir Square) and the time it was taken. */
export async function photoWithGps(width = 640, height = 480) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam', DateTime: '2026:12:06 10:15:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 2/1 40/1', GPSLongitudeRef: 'E', GPSLongitude: '31/1 14/1 8/1' },
    })
    .toBuffer();
}

export const signaturePng = () =>
  sharp({ create: { width: 300, height: 120, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } } })
    .png()
    .toBuffer();

export type UploadFile = { field: 'photos' | 'signature' | string; bytes: Buffer; name: string; type: string };

/** POSTs a multipart body the way a browser's FormData would. */
export async function uploadProof(t: TestApp, who: TestUser, requestId: string, files: UploadFile[]) {
  const form = new FormData();
  for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  const encoded = new Request('http://local/', { method: 'POST', body: form });
  const res = await t.app.http.inject({
    method: 'POST',
    url: `/api/v1/service-requests/${requestId}/proof`,
    headers: { authorization: `Bearer ${who.accessToken}`, 'content-type': encoded.headers.get('content-type')! },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
  return { status: res.statusCode, body: res.json() };
}

export const photo = (bytes: Buffer, name = 'photo.jpg'): UploadFile => ({
  field: 'photos',
  bytes,
  name,
  type: 'image/jpeg',
});
export const signature = (bytes: Buffer): UploadFile => ({
  field: 'signature',
  bytes,
  name: 'sig.png',
  type: 'image/png',
});

const LINES = [{ kind: 'labour', label: 'Jump start', qty: 1, unitAmount: 5_000 }];

/** A request assigned to a provider, quoted, approved and in progress: proof may be given. */
export async function workInProgress(
  t: TestApp,
  overrides: Record<string, unknown> = {},
  opts: { customer?: TestUser; lines?: unknown[] } = {},
) {
  const [customer, provider] = await Promise.all([opts.customer ?? t.signup('rider'), t.driver()]);
  const req = await requestService(t, customer, overrides);
  await assignBySql(t, req.id, provider.id);
  const step = async (who: TestUser, path: string, body: unknown) => {
    const res = await t.api('POST', `/api/v1/service-requests/${req.id}/${path}`, { token: who.accessToken, body });
    if (res.status !== 200) throw new Error(`${path} failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  await step(provider, 'status', { status: 'en_route' });
  await step(provider, 'status', { status: 'arrived' });
  await step(provider, 'quote', { items: opts.lines ?? LINES });
  await step(customer, 'quote/approve', { revision: 1 });
  await step(provider, 'status', { status: 'in_progress' });
  return { customer, provider, id: req.id, completionCode: req.completionCode!, step };
}
