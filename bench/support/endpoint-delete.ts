/**
 * bench:webhooks' endpoint deletion: the time to delete an endpoint (its
 * deliveries cascade) with few and with many deliveries. Per delivery the
 * two should cost about the same: each deleted delivery looks up its replays
 * (replay_of), and without an index that look was a scan of the whole table,
 * so a delete grew with the square of the deliveries (migration 0088).
 */
import { randomUUID } from 'node:crypto';
import type { Platform } from '../../src/platform/runtime.js';
import { insertDeliveries } from '../../src/modules/webhooks/deliveries.repo.js';

async function timedDelete(platform: Platform, deliveries: number, firstEventId: number) {
  const { pool, db, schema } = platform.database;
  const { rows } = await pool.query(
    `INSERT INTO "${schema}".webhook_endpoints (owner_kind, owner_id, url, events, secret)
     VALUES ('user', gen_random_uuid(), 'http://127.0.0.1:9/hooks', '{*}', 'whsec_bench') RETURNING id`,
  );
  for (let from = 0; from < deliveries; from += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, deliveries - from) }, (_, i) => {
      const eventId = firstEventId + from + i;
      const message = { message_id: `msg_del_${eventId}`, event_type: 'trip.requested', payload: {} };
      return { endpoint_id: rows[0].id as string, event_id: eventId, resource_id: randomUUID(), ...message };
    });
    await insertDeliveries(db, batch);
  }
  const started = performance.now();
  await pool.query(`DELETE FROM "${schema}".webhook_endpoints WHERE id = $1`, [rows[0].id]);
  return performance.now() - started;
}

/** Milliseconds to delete an endpoint with `small` and with `large` deliveries, and the per-delivery ratio. */
export async function endpointDeleteScaling(platform: Platform, small = 2_000, large = 16_000) {
  const smallMs = await timedDelete(platform, small, 10_000_000);
  const largeMs = await timedDelete(platform, large, 20_000_000);
  const perDeliveryRatio = Math.round((largeMs / large / (smallMs / small)) * 100) / 100;
  return { small, smallMs: Math.round(smallMs), large, largeMs: Math.round(largeMs), perDeliveryRatio };
}
