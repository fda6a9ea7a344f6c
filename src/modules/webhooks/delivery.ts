import type { Db } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/observability/logger.js';
import { backoffDelayMs } from '../../platform/providers/retry.js';
import { notify } from '../notifications/index.js';
import { recordAttempt, type ClaimedDelivery } from './deliveries.repo.js';
import { disableEndpoint, noteEndpointFailure, type EndpointRow } from './endpoints.repo.js';
import { sendWebhook, type SendResult } from './sender.js';
import { signedHeaders } from './signing.js';
import type { UrlPolicy } from './url-policy.js';

export interface DeliverySettings {
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  giveUpMs: number;
  sweepMs: number;
}

export interface DeliveryDeps {
  db: Db;
  jobs: JobQueue;
  policy: UrlPolicy;
  settings: DeliverySettings;
}

function liveSecrets(d: ClaimedDelivery): string[] {
  const previous = d.previous_secret && d.previous_secret_until && d.previous_secret_until > new Date();
  return previous ? [d.secret, d.previous_secret!] : [d.secret];
}

/**
 * One POST of a claimed delivery (`onAnswer` once the request is over). An
 * acknowledged one is returned for the caller to settle in a batch; any other outcome is recorded here (retry
 * with backoff, or the endpoint disabled on 410) and ends its lease.
 */
export async function attempt(
  deps: DeliveryDeps,
  d: ClaimedDelivery,
  log: Logger,
  onAnswer: () => void = () => {},
): Promise<SendResult | null> {
  const body = d.body;
  const headers = signedHeaders({ messageId: d.message_id, body, secrets: liveSecrets(d), at: new Date() });
  const result = await sendWebhook(deps.policy, { url: d.url, headers, body, timeoutMs: deps.settings.timeoutMs });
  onAnswer();
  const code = result.statusCode;
  if (code !== null && code >= 200 && code < 300) return result;
  log.info(
    { deliveryId: d.id, endpointId: d.endpoint_id, status: code, error: result.error },
    'webhook attempt failed',
  );
  if (code === 410) await endpointGone(deps, d, result);
  else await scheduleRetry(deps, d, result);
  return null;
}

/** 410 Gone: the receiver says the endpoint is no more; stop it now, tell its owner. */
async function endpointGone(deps: DeliveryDeps, d: ClaimedDelivery, result: SendResult) {
  await deps.db.transaction().execute(async (tx) => {
    await recordAttempt(tx, { id: d.id, result, status: 'failed' });
    const disabled = await disableEndpoint(tx, d.endpoint_id, 'gone');
    if (disabled) await tellOwner(tx, deps.jobs, disabled);
  });
}

async function scheduleRetry(deps: DeliveryDeps, d: ClaimedDelivery, result: SendResult) {
  const { retryBaseMs: baseMs, retryMaxMs: maxMs, giveUpMs } = deps.settings;
  const nextAttemptAt = new Date(Date.now() + backoffDelayMs(d.attempts, { baseMs, maxMs }));
  const expired = nextAttemptAt.getTime() - d.created_at.getTime() > giveUpMs;
  await deps.db.transaction().execute(async (tx) => {
    await recordAttempt(tx, {
      id: d.id,
      result,
      ...(expired ? { status: 'failed' } : { status: 'pending', nextAttemptAt }),
    });
    const disabled = await noteEndpointFailure(tx, d.endpoint_id, giveUpMs);
    if (disabled) await tellOwner(tx, deps.jobs, disabled);
  });
}

async function tellOwner(tx: Parameters<typeof notify>[0], jobs: JobQueue, endpoint: EndpointRow) {
  if (!endpoint.notify_user_id) return;
  await notify(tx, jobs, {
    userId: endpoint.notify_user_id,
    template: 'webhook.endpoint_disabled',
    data: { endpointId: endpoint.id, url: endpoint.url, reason: endpoint.disabled_reason },
    priority: 'NORMAL',
  });
}
