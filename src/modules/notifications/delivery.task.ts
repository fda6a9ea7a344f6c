import { z } from 'zod';
import { defineTask, JobPriority } from '../../platform/jobs/task.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { DbHandle } from '../../platform/db/database.js';
import { insertDeliveries, type NewDelivery } from './deliveries.repo.js';

/** Fans an inbox notification out to its channels (resolves devices, phone). */
export const deliverNotificationTask = defineTask({
  name: 'notifications.deliver',
  schema: z.object({ notificationId: z.uuid() }),
  maxAttempts: 8,
});

/** Sends one delivery (one channel, one recipient) through its provider. */
export const sendDeliveryTask = defineTask({
  name: 'notifications.send',
  schema: z.object({ deliveryId: z.uuid() }),
});

/** Attempts a job gets for infrastructure errors (DB hiccup) before a provider attempt is recorded. */
const INFRA_JOB_ATTEMPTS = 3;

export interface DeliveryPolicy {
  /** Provider attempts per delivery; after the last one the job is dead-lettered. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** Set once from config when the tasks are registered (NOTIFY_MAX_ATTEMPTS, NOTIFY_RETRY_*). */
export const deliveryPolicy: DeliveryPolicy = { maxAttempts: 8, baseMs: 2_000, maxMs: 300_000 };

export function configureDeliveryPolicy(policy: DeliveryPolicy) {
  Object.assign(deliveryPolicy, policy);
}

/**
 * Enqueues the send job for attempt `attemptsSoFar + 1`. The job that makes the
 * last provider attempt gets max_attempts 1, so when it throws the job queue
 * dead-letters it at once; earlier jobs keep a few graphile retries for
 * infrastructure errors (the provider retry itself is a new, jittered job).
 */
export async function enqueueSend(
  tx: DbHandle,
  jobs: JobQueue,
  args: { deliveryId: string; priority: keyof typeof JobPriority; attemptsSoFar: number; runAt?: Date },
) {
  const last = args.attemptsSoFar + 1 >= deliveryPolicy.maxAttempts;
  await jobs.enqueue(
    tx,
    sendDeliveryTask,
    { deliveryId: args.deliveryId },
    {
      priority: JobPriority[args.priority],
      runAt: args.runAt,
      jobKey: `delivery:${args.deliveryId}`,
      maxAttempts: last ? 1 : INFRA_JOB_ATTEMPTS,
    },
  );
}

/**
 * Stores deliveries and enqueues one send job each, in the caller's
 * transaction (outbox): nothing goes out unless the caller commits. Rows that
 * already exist (same subject, channel, recipient, dedupe key) are skipped.
 */
export async function queueDeliveries(
  tx: DbHandle,
  jobs: JobQueue,
  deliveries: NewDelivery[],
): Promise<QueuedDelivery[]> {
  const created = await insertDeliveries(tx, deliveries);
  const key = (d: { channel: string; recipient: string; dedupeKey?: string }) =>
    `${d.channel}|${d.recipient}|${d.dedupeKey ?? ''}`;
  const notBefore = new Map(deliveries.map((d) => [key(d), d.notBefore]));
  for (const d of created) {
    const runAt = notBefore.get(key({ channel: d.channel, recipient: d.recipient, dedupeKey: d.dedupe_key }));
    await enqueueSend(tx, jobs, { deliveryId: d.id, priority: d.priority, attemptsSoFar: 0, runAt });
  }
  return created.map((d) => ({
    id: d.id,
    channel: d.channel,
    recipient: d.recipient,
    recipientKind: d.recipient_kind,
  }));
}

export interface QueuedDelivery {
  id: string;
  channel: NewDelivery['channel'];
  recipient: string;
  recipientKind: NewDelivery['recipientKind'];
}
