/**
 * A dispatcher who acknowledges an alert the moment it shows races the alert's fan-out job, which records
 * `sos.opened` in its own transaction. Both append to the alert's event stream (seq = max + 1); the fan-out
 * now holds the alert's row lock first, as every move of the alert does, so neither side fails: before, the
 * acknowledge sometimes answered 500 (a duplicate seq) and the fan-out job went to a retry.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { staffUser } from '../../support/staff.js';
import { eventually } from '../support/fixtures.js';

const ALERTS = 40;

describe('SOS acknowledged the moment it is raised', () => {
  let t: TestApp;
  let dispatcher: TestUser;
  before(async () => {
    t = await startTestApp('sos_ack_race', { SOS_ESCALATION_MS: '60000', SOS_ESCALATION_REPEAT_MS: '60000' });
    await t.platform.jobs.start();
    dispatcher = await staffUser(t, ['dispatcher']);
  });
  after(async () => t.close());

  test('every acknowledge answers 200 and every alert records opened and acknowledged once each', async () => {
    const riders = await Promise.all(Array.from({ length: ALERTS }, () => t.signup('rider')));
    const acks = await Promise.all(
      riders.map(async (rider, i) => {
        const raised = await t.api('POST', '/api/v1/sos', {
          token: rider.accessToken,
          body: { lat: 30.05, lng: 31.24 },
        });
        assert.equal(raised.status, 201);
        const alertId = raised.body.data.alertId as string;
        await sleep((i % 8) * 15); // spread the acknowledges over the fan-out's transaction
        const ack = await t.api('POST', `/api/v1/admin/sos/${alertId}/acknowledge`, { token: dispatcher.accessToken });
        return { alertId, status: ack.status };
      }),
    );
    assert.deepEqual(
      acks.map((a) => a.status),
      Array(ALERTS).fill(200),
    );
    const ids = acks.map((a) => a.alertId);
    const events = () =>
      t.platform.database.pool.query(
        `SELECT type, count(*)::int AS n, count(DISTINCT aggregate_id)::int AS alerts FROM "${t.schema}".events ` +
          `WHERE aggregate_id = ANY($1) GROUP BY type ORDER BY type`,
        [ids],
      );
    const expected = [
      { type: 'sos.acknowledged', n: ALERTS, alerts: ALERTS },
      { type: 'sos.opened', n: ALERTS, alerts: ALERTS },
    ];
    // A fan-out job that lost the race fails and waits ~3 s for its retry (its error stays on the job row
    // meanwhile): watch for that while the fan-outs run, then compare.
    let failedFanOuts = 0;
    const failed = async () =>
      (
        await t.platform.database.pool.query(
          `SELECT count(*)::int AS n FROM "${t.schema}_jobs"._private_jobs j JOIN "${t.schema}_jobs"._private_tasks k ` +
            `ON k.id = j.task_id WHERE k.identifier = 'safety.sos_fan_out' AND j.last_error IS NOT NULL`,
        )
      ).rows[0].n as number;
    const settled = async () => {
      failedFanOuts = Math.max(failedFanOuts, await failed());
      return JSON.stringify((await events()).rows) === JSON.stringify(expected);
    };
    await eventually(settled, 20_000).catch(() => undefined);
    assert.deepEqual((await events()).rows, expected);
    assert.equal(failedFanOuts, 0, 'no fan-out job failed and went to a retry');
  });
});
