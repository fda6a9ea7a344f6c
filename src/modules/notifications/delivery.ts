import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { FeatureFlags } from '../../platform/flags.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { isRoomEvent } from '../../platform/realtime/server-events.js';
import {
  backoffDelayMs,
  breakers,
  errorMessage,
  isBreakerOpenError,
  isPermanentProviderError,
  isRecipientGoneError,
  withBreaker,
  type MessagingProviders,
  type SendReceipt,
} from '../../platform/providers/index.js';
import {
  deletePushDeviceToken,
  findDelivery,
  markDeliverySent,
  markDeliverySkipped,
  recordDeliveryFailure,
  type DeliveryRow,
} from './deliveries.repo.js';
import { deliveryPolicy, enqueueSend } from './delivery.task.js';
import { queueFallbackOf } from './fallback.js';
import { deliveryLatency, deliveryOutcomes } from './notifications.metrics.js';

export interface DeliveryDeps {
  db: Db;
  jobs: JobQueue;
  realtime: RealtimeEmitter;
  flags: FeatureFlags;
  providers: MessagingProviders;
  log: Logger;
  providerTimeoutMs: number;
}

type Content = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function emitOnSocket(realtime: RealtimeEmitter, d: DeliveryRow): SendReceipt {
  const content = d.content as Content;
  const event = str(content.event);
  const payload = (content.payload ?? {}) as Record<string, unknown>;
  // Producers write catalogued names; anything else would be an event no client was told about.
  if (!isRoomEvent(event)) throw new Error(`socket delivery of an uncatalogued event ${event}`);
  if (d.recipient_kind === 'admins') realtime.toAdmins(event, payload);
  else if (d.recipient_kind === 'room') realtime.toRoom(d.recipient, event, payload);
  else realtime.toUser(d.recipient, event, payload);
  return {};
}

/**
 * Data, data-only flag, collapse key and TTL of a push. `expiresAt` (an offer's end) becomes the TTL left at
 * send time, so a push retried late never outlives what it announces.
 */
function pushOptions(c: Content) {
  const data = (c.data ?? {}) as Record<string, string>;
  const expiresAt = typeof c.expiresAt === 'string' ? Date.parse(c.expiresAt) : NaN;
  const ttlSeconds = Number.isNaN(expiresAt) ? undefined : Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
  const collapseKey = typeof c.collapseKey === 'string' ? c.collapseKey : undefined;
  return { data, dataOnly: c.dataOnly === true, ttlSeconds, collapseKey };
}

/** One provider call for one delivery, through that provider's circuit breaker. */
async function sendOnChannel(deps: DeliveryDeps, d: DeliveryRow): Promise<SendReceipt> {
  const c = d.content as Content;
  const { providers } = deps;
  const opts = { timeoutMs: deps.providerTimeoutMs };
  switch (d.channel) {
    case 'socket':
      return emitOnSocket(deps.realtime, d);
    case 'push': {
      const target = d.recipient_kind === 'topic' ? { topic: d.recipient } : { token: d.recipient };
      const message = { ...target, title: str(c.title), body: str(c.body), ...pushOptions(c) };
      return withBreaker(providers.push.name, (signal) => providers.push.send(message, signal), opts);
    }
    case 'sms':
      return withBreaker(
        providers.sms.name,
        (signal) => providers.sms.send({ to: d.recipient, body: str(c.body) }, signal),
        opts,
      );
    case 'email':
      return withBreaker(
        providers.email.name,
        (signal) => providers.email.send({ to: d.recipient, subject: str(c.subject), text: str(c.text) }, signal),
        opts,
      );
    case 'call':
      return withBreaker(
        providers.voice.name,
        (signal) => providers.voice.call({ to: d.recipient, say: str(c.say) }, signal),
        opts,
      );
  }
}

/**
 * A failed attempt: permanent errors stop at once; otherwise the next attempt
 * is a new job after a jittered exponential backoff (never before an open
 * breaker may half-open). The failure and the delivery's fallback (if it names
 * one) commit together. The last attempt's failure is thrown so the job
 * queue dead-letters it.
 */
async function handleFailure(deps: DeliveryDeps, d: DeliveryRow, err: unknown) {
  const attempts = d.attempts + 1;
  const error = errorMessage(err);
  const final = isPermanentProviderError(err) || attempts >= deliveryPolicy.maxAttempts;
  const backoff = backoffDelayMs(attempts, deliveryPolicy);
  const delay = isBreakerOpenError(err) ? Math.max(backoff, breakers.resetTimeoutMs) : backoff;
  await withTransaction(deps.db, async (tx) => {
    await recordDeliveryFailure(tx, { id: d.id, attempts, error, final });
    await queueFallbackOf(tx, deps.jobs, d);
    if (!final)
      await enqueueSend(tx, deps.jobs, {
        deliveryId: d.id,
        priority: d.priority,
        attemptsSoFar: attempts,
        runAt: new Date(Date.now() + delay),
      });
  });
  if (final) {
    deliveryOutcomes.inc({ channel: d.channel, outcome: 'failed' });
    if (isPermanentProviderError(err)) {
      deps.log.warn({ deliveryId: d.id, channel: d.channel, err: error }, 'delivery refused by provider; not retried');
      await forgetDeadPushToken(deps, d, err);
      return;
    }
    throw new Error(`delivery ${d.id} (${d.channel}) failed after ${attempts} attempts: ${error}`);
  }
  deliveryOutcomes.inc({ channel: d.channel, outcome: 'retry' });
  deps.log.info(
    { deliveryId: d.id, channel: d.channel, attempts, retryInMs: delay, err: error },
    'delivery failed; retry scheduled',
  );
}

/** The provider says this device token is dead: drop the device so no later notification is sent to it. */
async function forgetDeadPushToken(deps: DeliveryDeps, d: DeliveryRow, err: unknown) {
  if (d.channel !== 'push' || d.recipient_kind !== 'device' || !isRecipientGoneError(err)) return;
  await deletePushDeviceToken(deps.db, d.recipient);
  deliveryOutcomes.inc({ channel: d.channel, outcome: 'token_removed' });
}

/** The `notifications.send` job: one channel, one recipient, tracked in notification_deliveries. */
export async function sendDelivery(deps: DeliveryDeps, deliveryId: string) {
  const d = await findDelivery(deps.db, deliveryId);
  if (!d || d.status === 'sent' || d.status === 'skipped') return;
  if (deps.flags.isOn('NOTIFICATIONS_DEGRADED') && d.priority !== 'CRITICAL') {
    await markDeliverySkipped(deps.db, { id: d.id, reason: 'NOTIFICATIONS_DEGRADED: only CRITICAL is sent' });
    deliveryOutcomes.inc({ channel: d.channel, outcome: 'skipped' });
    return;
  }
  let receipt: SendReceipt;
  try {
    receipt = await sendOnChannel(deps, d);
  } catch (err) {
    await handleFailure(deps, d, err);
    return;
  }
  await markDeliverySent(deps.db, { id: d.id, providerId: receipt.providerId });
  deliveryOutcomes.inc({ channel: d.channel, outcome: 'sent' });
  deliveryLatency.observe({ channel: d.channel, priority: d.priority }, (Date.now() - d.created_at.getTime()) / 1000);
}
