import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { FakeS3 } from './fake-s3.js';
import { photo, photoWithGps, signature, signaturePng, uploadProof, workInProgress } from './proof-support.js';

describe('proof of service on S3-compatible storage (S3_BUCKET + S3_ENDPOINT, issue 18 #5)', () => {
  let t: TestApp;
  let s3: FakeS3;

  before(async () => {
    s3 = await FakeS3.start('proofs');
    t = await startTestApp('service_proof_s3', {
      ...LEDGER_TEST_ENV,
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: 'test-access-key',
      S3_SECRET_ACCESS_KEY: 'test-secret-key-0123456789',
    });
  });
  after(async () => {
    await t.close();
    await s3.close();
  });

  test('photos go to the bucket without EXIF and are read through presigned GET URLs', async () => {
    const { customer, provider, id } = await workInProgress(t);
    const res = await uploadProof(t, provider, id, [photo(await photoWithGps(800, 600))]);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const keys = [...s3.objects.keys()].filter((k) => k.includes(id));
    assert.equal(keys.length, 2, 'the photo and its thumbnail');
    for (const key of keys) {
      const stored = s3.objects.get(key)!;
      assert.equal(stored.contentType, 'image/jpeg');
      assert.equal((await sharp(stored.bytes).metadata()).exif, undefined, `${key} has no EXIF`);
    }
    const listed = await t.api('GET', `/api/v1/service-requests/${id}/proof`, { token: customer.accessToken });
    const { url, thumbnailUrl } = listed.body.data[0];
    for (const link of [url, thumbnailUrl]) {
      assert.ok(link.startsWith(`${s3.endpoint}/${s3.bucket}/`), link);
      assert.match(link, /X-Amz-Signature=/);
      assert.match(link, /X-Amz-Expires=300/, 'short-lived (OBJECT_URL_TTL_S)');
      const fetched = await fetch(link);
      assert.equal(fetched.status, 200);
      assert.equal((await sharp(Buffer.from(await fetched.arrayBuffer())).metadata()).format, 'jpeg');
    }
    const missing = await fetch(url.replace(/\/[0-9a-f-]+\.jpg/, '/00000000-0000-0000-0000-000000000000.jpg'));
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /<Code>NoSuchKey<\/Code>/, 'the fake answers as S3 does');
  });

  test('a refused upload leaves nothing in the bucket', async () => {
    const { provider, id } = await workInProgress(t);
    const before = s3.objects.size;
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    assert.equal((await uploadProof(t, provider, id, [photo(await photoWithGps()), photo(pdf, 'x.jpg')])).status, 400);
    assert.equal((await uploadProof(t, provider, id, [signature(await signaturePng())])).status, 403);
    await t.api('POST', `/api/v1/service-requests/${id}/status`, {
      token: (await t.admin()).accessToken,
      body: { status: 'cancelled', reason: 'customer left' },
    });
    assert.equal((await uploadProof(t, provider, id, [photo(await photoWithGps())])).status, 409, 'request over');
    assert.equal(s3.objects.size, before);
  });
});
