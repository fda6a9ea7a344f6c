import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { photo, photoWithGps, signature, signaturePng, uploadProof, workInProgress } from './proof-support.js';

/** Every file under `dir`, recursively (what a refused upload must not leave behind). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('proof of service: photos, signature or code before completion (issue 18 #5)', () => {
  let t: TestApp;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smartline-proof-'));
    t = await startTestApp('service_proof', { ...LEDGER_TEST_ENV, OBJECTS_DIR: dir });
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const complete = (who: { accessToken: string }, id: string, code?: string) =>
    t.api('POST', `/api/v1/service-requests/${id}/status`, {
      token: who.accessToken,
      body: { status: 'completed', ...(code ? { code } : {}) },
    });
  const fetchUrl = (url: string) => t.app.http.inject({ method: 'GET', url });

  test('a stored photo has no EXIF (GPS and time gone), re-encoded with a thumbnail behind signed URLs', async () => {
    const { customer, provider, id } = await workInProgress(t);
    const original = await photoWithGps(1200, 900);
    const exifIn = (await sharp(original).metadata()).exif;
    assert.ok(exifIn && exifIn.includes(Buffer.from('TestCam')), 'the upload does carry EXIF');
    const res = await uploadProof(t, provider, id, [photo(original)]);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const [proof] = res.body.data;
    assert.equal(proof.kind, 'photo');

    const stored = await fetchUrl(proof.url);
    assert.equal(stored.statusCode, 200);
    assert.equal(stored.headers['content-type'], 'image/jpeg');
    const meta = await sharp(stored.rawPayload).metadata();
    assert.equal(meta.exif, undefined, 'no EXIF block at all: no GPS, no time, no camera');
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1200, 900]);
    const thumb = await sharp((await fetchUrl(proof.thumbnailUrl)).rawPayload).metadata();
    assert.ok(thumb.width! <= 320 && thumb.height! <= 320, 'a thumbnail');

    const onDisk = await filesUnder(dir);
    const mine = onDisk.filter((f) => f.includes(id));
    assert.equal(mine.length, 2, 'the photo and its thumbnail');
    for (const file of mine) assert.equal((await sharp(await readFile(file)).metadata()).exif, undefined, file);

    for (const viewer of [customer, await t.admin()]) {
      const listed = await t.api('GET', `/api/v1/service-requests/${id}/proof`, { token: viewer.accessToken });
      assert.equal(listed.status, 200);
      assert.equal((await fetchUrl(listed.body.data[0].url)).statusCode, 200, 'customer and admins see it');
    }
    const stranger = await t.signup('rider');
    const denied = await t.api('GET', `/api/v1/service-requests/${id}/proof`, { token: stranger.accessToken });
    assert.equal(denied.status, 404);
    const tampered = proof.url.replace(/sig=[^&]+/, 'sig=AAAA');
    assert.equal((await fetchUrl(tampered)).statusCode, 403, 'a tampered link');
    const expired = proof.url.replace(/expires=\d+/, 'expires=1');
    assert.equal((await fetchUrl(expired)).statusCode, 403, 'an expired link');
  });

  test('completed needs a photo and the code or signature: 409 proof_missing otherwise, wrong code 422', async () => {
    const { provider, id, completionCode } = await workInProgress(t);
    const bare = await complete(provider, id, completionCode);
    assert.equal(bare.status, 409);
    assert.equal(bare.body.error.details.reason, 'proof_missing');
    assert.equal((await uploadProof(t, provider, id, [photo(await photoWithGps())])).status, 201);
    const noCode = await complete(provider, id);
    assert.equal(noCode.status, 409, 'a photo alone is not enough');
    assert.equal(noCode.body.error.details.reason, 'proof_missing');
    const wrong = await complete(provider, id, completionCode === '0000' ? '1111' : '0000');
    assert.equal(wrong.status, 422);
    const done = await complete(provider, id, completionCode);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.data.status, 'completed');
  });

  test('wrong completion codes lock completing: the fifth is 429 OTP_LOCKED, and so is the right code then', async () => {
    const { provider, id, completionCode } = await workInProgress(t);
    assert.equal((await uploadProof(t, provider, id, [photo(await photoWithGps())])).status, 201);
    const wrongCodes = ['0000', '1111', '2222', '3333', '4444', '5555', '6666'].filter((c) => c !== completionCode);
    const answers = [];
    for (const code of wrongCodes.slice(0, 6)) answers.push((await complete(provider, id, code)).status);
    assert.deepEqual(answers, [422, 422, 422, 422, 429, 429], 'four wrong answers, the fifth locks');
    const right = await complete(provider, id, completionCode);
    assert.equal(right.status, 429, 'locked even for the right code: guessing must not pay');
    assert.equal(right.body.error.code, 'OTP_LOCKED');
    assert.ok(Number(right.headers['retry-after']) > 0);
    const view = await t.api('GET', `/api/v1/service-requests/${id}`, { token: provider.accessToken });
    assert.equal(view.body.data.status, 'in_progress', 'not completed, nothing settled');
  });

  test("the customer's signature from their own account completes without the code", async () => {
    const { customer, provider, id } = await workInProgress(t);
    assert.equal((await uploadProof(t, provider, id, [photo(await photoWithGps())])).status, 201);
    const signed = await uploadProof(t, customer, id, [signature(await signaturePng())]);
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    assert.deepEqual(signed.body.data.map((p: { kind: string }) => p.kind).sort(), ['photo', 'signature']);
    assert.equal((await complete(provider, id)).status, 200);
  });

  test('bad uploads are clear 4xx: nothing recorded, no file left behind', async () => {
    const { customer, provider, id } = await workInProgress(t);
    const jpeg = await photoWithGps();
    const before = await filesUnder(dir);
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
    const cases: Array<[string, Awaited<ReturnType<typeof uploadProof>>, number]> = [
      [
        'a 20 MB photo',
        await uploadProof(t, provider, id, [photo(Buffer.concat([jpeg, Buffer.alloc(20 << 20)]))]),
        413,
      ],
      ['a PDF renamed .jpg', await uploadProof(t, provider, id, [photo(pdf, 'receipt.jpg')]), 400],
      ['a non-image', await uploadProof(t, provider, id, [photo(Buffer.from('hello, not an image'), 'a.png')]), 400],
      [
        'six photos',
        await uploadProof(
          t,
          provider,
          id,
          Array.from({ length: 6 }, () => photo(jpeg)),
        ),
        400,
      ],
      ['a signature from the provider', await uploadProof(t, provider, id, [signature(await signaturePng())]), 403],
      ['a JPEG as signature', await uploadProof(t, customer, id, [{ ...signature(jpeg) }]), 400],
      ['photos from the customer', await uploadProof(t, customer, id, [photo(jpeg)]), 403],
      ['a good photo with a bad one', await uploadProof(t, provider, id, [photo(jpeg), photo(pdf)]), 400],
    ];
    for (const [what, res, status] of cases) {
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.success, false, what);
    }
    assert.equal(await t.count('service_proofs'), await countOthers(t, id), 'nothing recorded for this request');
    assert.deepEqual(await filesUnder(dir), before, 'no file left behind');

    // Five in all per request: the sixth is refused even across uploads.
    assert.equal(
      (
        await uploadProof(
          t,
          provider,
          id,
          Array.from({ length: 5 }, () => photo(jpeg)),
        )
      ).status,
      201,
    );
    const sixth = await uploadProof(t, provider, id, [photo(jpeg)]);
    assert.equal(sixth.status, 400);
    assert.equal((await filesUnder(dir)).length, before.length + 10, 'five photos, five thumbnails');
  });
});

async function countOthers(t: TestApp, id: string) {
  const res = await t.platform.database.pool.query(
    `SELECT count(*)::int AS n FROM "${t.schema}".service_proofs WHERE request_id <> $1`,
    [id],
  );
  return res.rows[0].n as number;
}
