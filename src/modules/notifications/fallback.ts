import { z } from 'zod';
import type { DbHandle } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { DeliveryRow, NewDelivery } from './deliveries.repo.js';
import { queueDeliveries } from './delivery.task.js';

/**
 * What a delivery may carry in `content.fallback`: another delivery to queue the first time it fails (issue
 * 17.6: an SOS push to an emergency contact falls back to an SMS with the live link). Queued in the
 * transaction that records the failure; the deliveries' unique key sends it once however many pushes fail.
 */
export const DeliveryFallback = z.object({
  channel: z.enum(['sms', 'email', 'call']),
  recipient: z.string().min(1),
  recipientKind: z.enum(['contact', 'oncall', 'phone', 'address']),
  dedupeKey: z.string().min(1),
  content: z.record(z.string(), z.unknown()),
});
export type DeliveryFallback = z.infer<typeof DeliveryFallback>;

export async function queueFallbackOf(tx: DbHandle, jobs: JobQueue, d: DeliveryRow): Promise<void> {
  const parsed = DeliveryFallback.safeParse((d.content as { fallback?: unknown }).fallback);
  if (!parsed.success) return;
  const fallback: NewDelivery = {
    ...parsed.data,
    notificationId: d.notification_id ?? undefined,
    subjectType: d.subject_type,
    subjectId: d.subject_id,
    priority: d.priority,
  };
  await queueDeliveries(tx, jobs, [fallback]);
}
