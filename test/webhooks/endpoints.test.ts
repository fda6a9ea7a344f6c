import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { query } from '../support/fixtures.js';

const RECEIVER = 'http://127.0.0.1:9/hooks';

describe('webhook endpoints (issue 20.1)', () => {
  let t: TestApp;
  let admin: TestUser;
  const as = (token: string) => ({ token });
  const count = async () =>
    (await query<{ n: string }>(t, 'SELECT count(*) AS n FROM $schema.webhook_endpoints'))[0]!.n;

  before(async () => {
    t = await startTestApp('webhook_endpoints');
    admin = await t.admin();
  });
  after(async () => t.close());

  test('create shows a whsec_ secret once; list, get, update, rotate and delete', async () => {
    const created = await t.api('POST', '/api/v1/admin/webhooks', {
      ...as(admin.accessToken),
      body: { url: RECEIVER, events: ['trip.*', 'trip.*', 'booking.created'], description: 'ERP' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const hook = created.body.data;
    assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(hook.events, ['trip.*', 'booking.created']);
    const got = await t.api('GET', `/api/v1/admin/webhooks/${hook.id}`, as(admin.accessToken));
    assert.equal(got.body.data.secret, undefined, 'the secret is never shown again');
    const listed = await t.api('GET', '/api/v1/admin/webhooks', as(admin.accessToken));
    assert.ok(listed.body.data.some((h: { id: string; secret?: string }) => h.id === hook.id && !h.secret));
    const patched = await t.api('PATCH', `/api/v1/admin/webhooks/${hook.id}`, {
      ...as(admin.accessToken),
      body: { enabled: false, events: ['*'] },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.data.enabled, false);
    assert.equal(patched.body.data.disabledReason, 'by_owner');
    const rotated = await t.api('POST', `/api/v1/admin/webhooks/${hook.id}/rotate-secret`, as(admin.accessToken));
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.data.secret, hook.secret);
    const overlap = Date.parse(rotated.body.data.previousSecretExpiresAt) - Date.now();
    assert.ok(overlap > 23.9 * 3_600_000 && overlap <= 24 * 3_600_000, 'the old secret signs alongside for 24 h');
    assert.equal((await t.api('DELETE', `/api/v1/admin/webhooks/${hook.id}`, as(admin.accessToken))).status, 204);
    assert.equal((await t.api('GET', `/api/v1/admin/webhooks/${hook.id}`, as(admin.accessToken))).status, 404);
  });

  test('bad input is a 400 and writes nothing', async () => {
    const before = await count();
    const bad = [
      { url: 'not a url', events: ['*'] },
      { url: `https://example.com/${'a'.repeat(2100)}`, events: ['*'] },
      { url: 'http://example.com/hooks', events: ['*'] }, // plain http to a non-loopback host
      { url: 'ftp://127.0.0.1/x', events: ['*'] },
      { url: RECEIVER, events: ['trip.teleported'] },
      { url: RECEIVER, events: ['service_request.created'] }, // not a type: a new request is service_request.requested
      { url: RECEIVER, events: [] },
      { url: RECEIVER, events: ['*'], extra: true },
    ];
    for (const body of bad) {
      const res = await t.api('POST', '/api/v1/admin/webhooks', { ...as(admin.accessToken), body });
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${res.status}`);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    assert.equal(await count(), before);
  });

  test('the 1,001st endpoint is refused with 409 and not written, even when raced', async () => {
    await query(t, 'DELETE FROM $schema.webhook_endpoints');
    await query(
      t,
      `INSERT INTO $schema.webhook_endpoints (owner_kind, owner_id, url, events, secret)
       SELECT 'user', $1, 'https://example.com/' || g, '{*}', 'whsec_x' FROM generate_series(1, 995) g`,
      [admin.id],
    );
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.api('POST', '/api/v1/admin/webhooks', { ...as(admin.accessToken), body: { url: RECEIVER, events: ['*'] } }),
      ),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [...Array(5).fill(201), ...Array(15).fill(409)]);
    assert.equal(await count(), 1000);
    await query(t, 'DELETE FROM $schema.webhook_endpoints');
  });

  test('an API key with webhooks:manage manages only its own endpoints; other keys are refused', async () => {
    const key = async (scopes: string[]) =>
      (await t.api('POST', '/api/v1/admin/api-keys', { ...as(admin.accessToken), body: { name: 'k', scopes } })).body
        .data.key as string;
    const manager = await key(['webhooks:manage']);
    const other = await key(['trips:read']);
    const withKey = (k: string, method: string, path: string, body?: unknown) =>
      t.api(method, path, { headers: { 'x-api-key': k }, body });
    const mine = await withKey(manager, 'POST', '/api/v1/admin/webhooks', {
      url: RECEIVER,
      events: ['trip.completed'],
    });
    assert.equal(mine.status, 201);
    const admins = await t.api('POST', '/api/v1/admin/webhooks', {
      ...as(admin.accessToken),
      body: { url: RECEIVER, events: ['*'] },
    });
    const listed = await withKey(manager, 'GET', '/api/v1/admin/webhooks');
    assert.deepEqual(
      listed.body.data.map((h: { id: string }) => h.id),
      [mine.body.data.id],
    );
    assert.equal((await withKey(manager, 'GET', `/api/v1/admin/webhooks/${admins.body.data.id}`)).status, 404);
    assert.equal((await withKey(manager, 'DELETE', `/api/v1/admin/webhooks/${admins.body.data.id}`)).status, 404);
    assert.equal((await withKey(other, 'GET', '/api/v1/admin/webhooks')).status, 403);
    const all = await t.api('GET', '/api/v1/admin/webhooks', as(admin.accessToken));
    assert.equal(all.body.data.length, 2, 'an admin sees every endpoint');
  });
});

describe('webhook URLs in production (SSRF)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('webhook_prod_urls', { WEBHOOK_URL_POLICY: 'production' });
  });
  after(async () => t.close());

  test('http, loopback, private and link-local targets are refused with 400 and nothing is written', async () => {
    const admin = await t.admin();
    const cases: Array<[string, string]> = [
      ['http://127.0.0.1:8080/hooks', 'https_required'],
      ['https://127.0.0.1/hooks', 'private_address'],
      ['https://localhost/hooks', 'private_address'],
      ['https://10.1.2.3/hooks', 'private_address'],
      ['https://192.168.1.10/hooks', 'private_address'],
      ['https://169.254.169.254/latest/meta-data', 'private_address'],
      ['https://[::1]/hooks', 'private_address'],
      ['https://[::ffff:10.0.0.1]/hooks', 'private_address'],
      ['https://[fe80::1]/hooks', 'private_address'],
    ];
    for (const [url, reason] of cases) {
      const res = await t.api('POST', '/api/v1/admin/webhooks', {
        token: admin.accessToken,
        body: { url, events: ['*'] },
      });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error.details.reason, reason, url);
    }
    assert.equal(await t.count('webhook_endpoints'), 0);
    const publicTarget = await t.api('POST', '/api/v1/admin/webhooks', {
      token: admin.accessToken,
      body: { url: 'https://93.184.215.14/hooks', events: ['*'] },
    });
    assert.equal(publicTarget.status, 201, 'a public https address is accepted');
  });
});
