/**
 * A fan-out that meets an endpoint being deleted: the deleted endpoint's
 * deliveries are dropped and every other endpoint's are written, where the
 * foreign key used to fail the whole insert (and the job waited for a retry).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { insertDeliveries } from '../../src/modules/webhooks/deliveries.repo.js';
import { query } from '../support/fixtures.js';

describe('webhook fan-out while an endpoint is deleted', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('webhook_fan_out_race');
  });
  after(() => t.close());

  test('the deleted endpoint gets nothing, the others get their deliveries, nothing fails', async () => {
    const admin = await t.admin();
    const register = async () => {
      const res = await t.api('POST', '/api/v1/admin/webhooks', {
        token: admin.accessToken,
        body: { url: 'http://127.0.0.1:9/hooks', events: ['*'] },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.data.id as string;
    };
    const [going, staying] = [await register(), await register()];
    const payload = { id: 'msg_race_0', type: 'trip.requested', createdAt: new Date().toISOString(), data: {} };
    const rows = [going, staying].map((endpointId) => ({
      endpoint_id: endpointId,
      event_id: 1,
      message_id: 'msg_race_0',
      event_type: 'trip.requested',
      resource_id: randomUUID(),
      payload,
    }));

    // The delete is in flight (uncommitted) when the fan-out inserts.
    const deleter = await t.platform.database.pool.connect();
    try {
      await deleter.query('BEGIN');
      await deleter.query(`DELETE FROM "${t.schema}".webhook_endpoints WHERE id = $1`, [going]);
      const inserting = insertDeliveries(t.platform.database.db, rows);
      await sleep(300);
      await deleter.query('COMMIT');
      const inserted = await inserting;
      assert.deepEqual(
        inserted.map((r) => r.endpoint_id),
        [staying],
      );
    } finally {
      deleter.release();
    }
    const written = await query<{ endpoint_id: string }>(t, 'SELECT endpoint_id FROM $schema.webhook_deliveries');
    assert.deepEqual(
      written.map((r) => r.endpoint_id),
      [staying],
    );
  });
});
