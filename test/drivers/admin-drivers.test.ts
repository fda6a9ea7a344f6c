/** Issue 21.3: an admin finds drivers to approve or watch: GET /api/v1/admin/drivers?approved&state&q, cursor pages. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';

describe('GET /api/v1/admin/drivers', () => {
  let t: TestApp;
  let adminToken: string;
  before(async () => {
    t = await startTestApp('admin_drivers');
    adminToken = (await t.admin()).accessToken;
  });
  after(async () => t.close());

  const list = (query: string, token = adminToken) => t.api('GET', `/api/v1/admin/drivers?${query}`, { token });

  test('filters by approval and state, searches name or phone digits, newest first', async () => {
    const pending = await t.driver({ approved: false });
    const online = await t.driver({ approved: true, available: true });
    const offline = await t.driver({ approved: true, available: false });

    const mine = new Set([pending.id, online.id, offline.id]);
    const ids = (res: any) => res.body.data.map((d: any) => d.userId).filter((id: string) => mine.has(id));
    const unapproved = await list('approved=false');
    assert.equal(unapproved.status, 200);
    assert.ok(unapproved.body.data.every((d: any) => d.approved === false));
    assert.deepEqual(ids(unapproved), [pending.id]);
    const available = await list('approved=true&state=available');
    assert.ok(available.body.data.every((d: any) => d.approved && d.state === 'available'));
    assert.deepEqual(ids(available), [online.id]);
    const all = await list('');
    assert.deepEqual(ids(all), [offline.id, online.id, pending.id], 'newest sign-up first');
    const shown = all.body.data.find((d: any) => d.userId === offline.id);
    assert.equal(shown.phone, offline.phone, 'admins see the phone in full');
    assert.equal(shown.name, 'Test driver');

    const byPhone = await list(`q=${encodeURIComponent(online.phone.slice(-6))}`);
    assert.deepEqual(
      byPhone.body.data.map((d: any) => d.userId),
      [online.id],
    );
    assert.equal(ids(await list('q=test%20DRIVER&limit=100')).length, 3, 'name matches in any case');
    assert.equal((await list('q=%25')).body.data.length, 0, '% is searched for, not a wildcard');
  });

  test('the cursor walks every driver exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((d: any) => d.userId));
      cursor = page.body.meta.nextCursor;
    } while (cursor);
    const everyone = await list('limit=100');
    assert.deepEqual(
      seen,
      everyone.body.data.map((d: any) => d.userId),
    );
    assert.equal(new Set(seen).size, seen.length);
  });

  test('bad filters are 400 VALIDATION_ERROR; riders and drivers get 403', async () => {
    for (const query of [
      'approved=yes',
      'state=flying',
      'limit=0',
      'limit=101',
      'cursor=garbage',
      `q=${'x'.repeat(101)}`,
    ]) {
      const res = await list(query);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    const rider = await t.signup('rider');
    assert.equal((await list('', rider.accessToken)).status, 403);
  });
});
