import { z } from 'zod';
import type { DbHandle } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { defineTask } from '../../platform/jobs/task.js';

/** Wakes the delivery pump of the node that runs it (delivery-pump.ts): it sends every due head. */
export const deliverTask = defineTask({ name: 'webhooks.deliver', schema: z.object({}) });

/**
 * Two keys, so a pump going idle (which sets the timer from what it saw)
 * never pushes back a wake-up that new deliveries asked for "now".
 */
const NOW_KEY = 'webhooks:deliver:now';
const TIMER_KEY = 'webhooks:deliver:timer';

/** Some pump sends what is due now (new deliveries, a replay, a re-enabled endpoint). */
export async function wakeDelivery(db: DbHandle, jobs: JobQueue) {
  await jobs.enqueue(db, deliverTask, {}, { jobKey: NOW_KEY });
}

/** Some pump looks again at `runAt` (a backoff ends, another node's lease lapses). */
export async function wakeDeliveryAt(db: DbHandle, jobs: JobQueue, runAt: Date) {
  await jobs.enqueue(db, deliverTask, {}, { jobKey: TIMER_KEY, runAt });
}
