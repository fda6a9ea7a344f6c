import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { StoredEvent } from '../../platform/events/event-map.js';
import { listEventsByIds, listEventsUpTo } from '../../platform/events/events.repo.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { defineTask, JobPriority } from '../../platform/jobs/task.js';
import type { Logger } from '../../platform/observability/logger.js';
import { enabledEndpoints } from './endpoints.repo.js';
import { fannedOut, insertDeliveries, type NewDelivery } from './deliveries.repo.js';
import type { DeliveryDeps } from './delivery.js';
import { DeliveryPump } from './delivery-pump.js';
import { deliverTask } from './webhook-jobs.js';
import { subscribes } from './webhook-events.js';
import { webhookMessagesOf } from './webhook-messages.js';

export const fanOutTask = defineTask({
  name: 'webhooks.fan_out',
  schema: z.object({ eventIds: z.array(z.number().int().positive()).min(1) }),
});
/** Older versions swept with a self-rescheduling job; a row one of them left completes as a kick. */
const legacySweepTask = defineTask({ name: 'webhooks.sweep', schema: z.object({}) });

/** The outbox writer: one fan-out job per transaction that recorded an event webhooks can carry. */
export function webhookOutboxWriter(jobs: JobQueue) {
  return async (tx: Parameters<JobQueue['enqueue']>[0], events: StoredEvent[]) => {
    const eventIds = events.filter((e) => webhookMessagesOf(e).length > 0).map((e) => e.id);
    if (eventIds.length === 0) return;
    await jobs.enqueue(tx, fanOutTask, { eventIds }, { priority: JobPriority.HIGH });
  };
}

type Target = { id: string; events: string[]; created_at: Date };

/**
 * The delivery rows of some events: one per (webhook message, subscribed
 * endpoint that existed when the event happened), in event order, skipping
 * those already written.
 */
async function deliveriesOf(db: Db, endpoints: Target[], events: StoredEvent[]) {
  const done = await fannedOut(
    db,
    events.map((e) => e.id),
  );
  const rows: NewDelivery[] = [];
  for (const event of events) {
    const live = endpoints.filter((e) => e.created_at <= event.createdAt && !done.has(`${e.id}:${event.id}`));
    for (const [index, message] of webhookMessagesOf(event).entries()) {
      const targets = live.filter((e) => subscribes(e.events, message.type));
      if (targets.length === 0) continue;
      const id = `msg_${event.id}_${index}`;
      const createdAt = event.createdAt.toISOString();
      const payload = { id, type: message.type, createdAt, data: await message.data(db) };
      for (const endpoint of targets)
        rows.push({
          endpoint_id: endpoint.id,
          event_id: event.id,
          message_id: id,
          event_type: message.type,
          resource_id: message.resourceId,
          payload,
        });
    }
  }
  return rows;
}

/**
 * Fan-out jobs may run in any order, so each one also writes the earlier
 * events of the same aggregates that are not fanned out yet: a later event's
 * delivery is never committed before an earlier one's, and `ordinal` follows
 * each resource's event order.
 */
async function eventsThrough(db: Db, eventIds: number[]) {
  const newest = new Map<string, number>();
  for (const e of await listEventsByIds(db, eventIds))
    newest.set(e.aggregateId, Math.max(newest.get(e.aggregateId) ?? 0, e.seq));
  const events: StoredEvent[] = [];
  for (const [aggregateId, seq] of newest) events.push(...(await listEventsUpTo(db, aggregateId, seq)));
  return events.filter((e) => webhookMessagesOf(e).length > 0);
}

/**
 * Committed events become delivery rows in one transaction (a re-run inserts
 * nothing twice); this node's pump then sends them. Should this process die
 * first, the sweep's kick on another node finds them due.
 */
async function fanOut(deps: { db: Db; jobs: JobQueue; pump: DeliveryPump }, eventIds: number[]) {
  const endpoints = await enabledEndpoints(deps.db);
  if (endpoints.length === 0) return;
  const rows = await deliveriesOf(deps.db, endpoints, await eventsThrough(deps.db, eventIds));
  const inserted = await insertDeliveries(deps.db, rows);
  if (inserted.length > 0) deps.pump.kick();
}

/**
 * Registers the webhook jobs; returns this node's pump (stopped with the app).
 * The sweep kicks it when the worker starts and every WEBHOOK_SWEEP_MS on
 * every worker node (a local tick, see LocalTicks): deliveries whose sender
 * died (lease lapsed) or whose endpoint was re-enabled are picked up again.
 */
export function registerWebhookTasks(deps: DeliveryDeps & { jobs: JobQueue; log: Logger }) {
  const pump = new DeliveryPump(deps, deps.log);
  deps.jobs.register(fanOutTask, async ({ eventIds }) => fanOut({ ...deps, pump }, eventIds));
  deps.jobs.register(deliverTask, async () => pump.kick());
  deps.jobs.register(legacySweepTask, async () => pump.kick());
  deps.jobs.ticks.add('webhooks.sweep', deps.settings.sweepMs, () => pump.kick());
  return pump;
}
