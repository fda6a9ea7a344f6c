import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { book, freshSlot, provider } from './fixtures.js';

describe('bookings: soft delete, restore, hard delete, audit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('bookings_softdel', { DB_POOL_MAX: '8' }); // the test server is shared: stay small
  });
  after(async () => t.close());

  const audits = async (id: string) =>
    (
      await t.platform.database.pool.query(
        `SELECT action, actor_id, details FROM "${t.schema}".audit_log WHERE target_type = 'booking' AND target_id ` +
          `= $1 ORDER BY id`,
        [id],
      )
    ).rows;

  test('a soft-deleted booking vanishes from every default read but stays in the table', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const admin = await t.admin();
    const b = await book(t, rider, p.id);
    const del = await t.api('DELETE', `/api/v1/bookings/${b.id}`, {
      token: rider.accessToken,
      body: { reason: 'no longer needed' },
    });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.data.id, b.id);
    assert.ok(del.body.data.deletedAt);

    for (const who of [rider, p, admin]) {
      assert.equal((await t.api('GET', `/api/v1/bookings/${b.id}`, { token: who.accessToken })).status, 404);
      const list = await t.api('GET', '/api/v1/bookings?limit=100', { token: who.accessToken });
      assert.ok(!list.body.data.some((x: { id: string }) => x.id === b.id));
      const move = await t.api('POST', `/api/v1/bookings/${b.id}/status`, {
        token: who.accessToken,
        body: { status: 'cancelled' },
      });
      assert.equal(move.status, 404);
    }
    assert.equal(
      (await t.api('DELETE', `/api/v1/bookings/${b.id}`, { token: rider.accessToken })).status,
      404,
      'a second delete finds nothing',
    );

    const row = await t.platform.database.pool.query(
      `SELECT deleted_by, deletion_reason FROM "${t.schema}".bookings WHERE id = $1`,
      [b.id],
    );
    assert.deepEqual(row.rows[0], { deleted_by: rider.id, deletion_reason: 'no longer needed' });
    const deleted = await t.api('GET', '/api/v1/bookings/deleted?limit=100', { token: admin.accessToken });
    assert.equal(deleted.status, 200);
    const seen = deleted.body.data.find((x: { id: string }) => x.id === b.id);
    assert.equal(seen.deletedBy, rider.id);
    assert.equal(seen.deletionReason, 'no longer needed');
    const [audit] = await audits(b.id);
    assert.equal(audit.action, 'booking.soft_deleted');
    assert.equal(audit.actor_id, rider.id);
    assert.equal(audit.details.address, undefined, 'no personal data in the audit log');
  });

  test('a delete without a body works; the provider of an open booking is told', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const b = await book(t, rider, p.id);
    const del = await t.api('DELETE', `/api/v1/bookings/${b.id}`, { token: rider.accessToken });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    const notes = await t.platform.database.pool.query(
      `SELECT template FROM "${t.schema}".notifications WHERE user_id = $1 ORDER BY created_at`,
      [p.id],
    );
    assert.deepEqual(
      notes.rows.map((r) => r.template),
      ['booking_requested', 'booking_cancelled'],
    );
  });

  test('admin restores; restoring into a slot taken meanwhile is 409 and changes nothing', async () => {
    const p = await provider(t);
    const [a, b] = [await t.signup('rider'), await t.signup('rider')];
    const admin = await t.admin();
    const slot = freshSlot();
    const first = await book(t, a, p.id, slot);
    await t.api('DELETE', `/api/v1/bookings/${first.id}`, { token: a.accessToken });
    const restored = await t.api('POST', `/api/v1/bookings/${first.id}/restore`, { token: admin.accessToken });
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.equal(restored.body.data.deletedAt, null);
    assert.equal((await t.api('GET', `/api/v1/bookings/${first.id}`, { token: a.accessToken })).status, 200);
    assert.equal(
      (await t.api('POST', `/api/v1/bookings/${first.id}/restore`, { token: admin.accessToken })).status,
      409,
      'not deleted',
    );

    await t.api('DELETE', `/api/v1/bookings/${first.id}`, { token: a.accessToken });
    await book(t, b, p.id, slot); // someone else takes the freed slot
    const clash = await t.api('POST', `/api/v1/bookings/${first.id}/restore`, { token: admin.accessToken });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.code, 'CONFLICT');
    const still = await t.platform.database.pool.query(`SELECT deleted_at FROM "${t.schema}".bookings WHERE id = $1`, [
      first.id,
    ]);
    assert.ok(still.rows[0].deleted_at, 'still soft-deleted');
    assert.deepEqual(
      (await audits(first.id)).map((r) => r.action),
      ['booking.soft_deleted', 'booking.restored', 'booking.soft_deleted'],
    );
  });

  test('hard delete: only soft-deleted bookings (else 409), 204, then gone; audited', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const admin = await t.admin();
    const b = await book(t, rider, p.id);
    const live = await t.api('DELETE', `/api/v1/bookings/${b.id}/hard-delete`, { token: admin.accessToken });
    assert.equal(live.status, 409);
    await t.api('DELETE', `/api/v1/bookings/${b.id}`, { token: admin.accessToken, body: { reason: 'spam' } });
    const gone = await t.api('DELETE', `/api/v1/bookings/${b.id}/hard-delete`, { token: admin.accessToken });
    assert.equal(gone.status, 204);
    assert.equal(gone.body, undefined);
    const rows = await t.platform.database.pool.query(
      `SELECT count(*)::int AS n FROM "${t.schema}".bookings WHERE id = $1`,
      [b.id],
    );
    assert.equal(rows.rows[0].n, 0);
    assert.equal(
      (await t.api('DELETE', `/api/v1/bookings/${b.id}/hard-delete`, { token: admin.accessToken })).status,
      404,
    );
    assert.equal((await t.api('POST', `/api/v1/bookings/${b.id}/restore`, { token: admin.accessToken })).status, 404);
    const actions = (await audits(b.id)).map((r) => [r.action, r.actor_id]);
    assert.deepEqual(actions, [
      ['booking.soft_deleted', admin.id],
      ['booking.hard_deleted', admin.id],
    ]);
  });

  test('deleted list pages by deletion time, newest first', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const admin = await t.admin();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const b = await book(t, rider, p.id);
      await t.api('DELETE', `/api/v1/bookings/${b.id}`, { token: rider.accessToken });
      ids.unshift(b.id);
    }
    const page1 = await t.api('GET', '/api/v1/bookings/deleted?limit=2', { token: admin.accessToken });
    assert.deepEqual(
      page1.body.data.map((b: { id: string }) => b.id),
      ids.slice(0, 2),
    );
    const page2 = await t.api('GET', `/api/v1/bookings/deleted?limit=2&cursor=${page1.body.meta.nextCursor}`, {
      token: admin.accessToken,
    });
    assert.equal(page2.body.data[0].id, ids[2]);
  });
});
