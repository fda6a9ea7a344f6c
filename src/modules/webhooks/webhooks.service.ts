import type { Db } from '../../platform/db/database.js';
import { AppError, ErrorCode, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpointWithinLimit,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
  type EndpointRow,
  type OwnerFilter,
} from './endpoints.repo.js';
import {
  findDelivery,
  insertReplay,
  listDeliveries,
  type DeliveryRow,
  type DeliveryStatus,
} from './deliveries.repo.js';
import { newSigningSecret, SECRET_OVERLAP_MS } from './signing.js';
import { assertAllowedUrl, type UrlPolicy } from './url-policy.js';
import { wakeDelivery } from './webhook-jobs.js';

/** Issue 20: at most 1,000 endpoints in all (each adds work to every event's fan-out). */
export const MAX_ENDPOINTS = 1_000;

/** Who manages endpoints: an admin (all of them) or an API key with `webhooks:manage` (its own). */
export type WebhookCaller = { kind: 'user'; id: string } | { kind: 'api_key'; id: string; createdBy: string | null };

const ownerFilter = (caller: WebhookCaller): OwnerFilter => (caller.kind === 'api_key' ? { ownerId: caller.id } : {});
const iso = (d: Date | null) => d?.toISOString() ?? null;

function toView(row: EndpointRow) {
  const overlap =
    row.previous_secret_until && row.previous_secret_until > new Date() ? row.previous_secret_until : null;
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    failingSince: iso(row.failing_since),
    previousSecretExpiresAt: iso(overlap),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toDeliveryView(row: DeliveryRow) {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    messageId: row.message_id,
    type: row.event_type,
    resourceId: row.resource_id,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastLatencyMs: row.last_latency_ms,
    lastResponse: row.last_response,
    lastError: row.last_error,
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    deliveredAt: iso(row.delivered_at),
    replayOf: row.replay_of,
    createdAt: row.created_at.toISOString(),
  };
}

const dedupe = (events: string[]) => [...new Set(events)];

/** Webhook endpoints (issue 20.1) and their delivery log (20.3). */
export class WebhookService {
  constructor(private readonly deps: { db: Db; jobs: JobQueue; policy: UrlPolicy }) {}

  async create(caller: WebhookCaller, input: { url: string; events: string[]; description?: string }) {
    await assertAllowedUrl(this.deps.policy, input.url);
    const secret = newSigningSecret();
    const row = await this.deps.db.transaction().execute((tx) =>
      insertEndpointWithinLimit(
        tx,
        {
          owner_kind: caller.kind,
          owner_id: caller.id,
          notify_user_id: caller.kind === 'user' ? caller.id : caller.createdBy,
          url: input.url,
          events: dedupe(input.events),
          description: input.description ?? null,
          secret,
        },
        MAX_ENDPOINTS,
      ),
    );
    if (!row)
      throw new AppError(ErrorCode.CONFLICT, `At most ${MAX_ENDPOINTS} webhook endpoints`, { limit: MAX_ENDPOINTS });
    return { ...toView(row), secret };
  }

  async list(caller: WebhookCaller, query: { limit: number; cursor?: string }) {
    const after = decodeCursor(query.cursor);
    const rows = await listEndpoints(this.deps.db, { ...ownerFilter(caller), limit: query.limit, after });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: page.map(toView), nextCursor };
  }

  async get(caller: WebhookCaller, id: string) {
    return toView(await this.visible(caller, id));
  }

  async update(
    caller: WebhookCaller,
    id: string,
    patch: { url?: string; events?: string[]; enabled?: boolean; description?: string | null },
  ) {
    if (patch.url !== undefined) await assertAllowedUrl(this.deps.policy, patch.url);
    const events = patch.events && dedupe(patch.events);
    const row = await updateEndpoint(this.deps.db, id, ownerFilter(caller), {
      ...patch,
      ...(events ? { events } : {}),
    });
    if (!row) throw notFound('Webhook endpoint');
    return toView(row);
  }

  async remove(caller: WebhookCaller, id: string) {
    if (!(await deleteEndpoint(this.deps.db, id, ownerFilter(caller)))) throw notFound('Webhook endpoint');
  }

  /** A new secret (shown once); the old one keeps signing alongside for 24 h. */
  async rotateSecret(caller: WebhookCaller, id: string) {
    const secret = newSigningSecret();
    const row = await rotateEndpointSecret(this.deps.db, {
      ...ownerFilter(caller),
      id,
      secret,
      overlapMs: SECRET_OVERLAP_MS,
    });
    if (!row) throw notFound('Webhook endpoint');
    return { ...toView(row), secret };
  }

  async deliveries(
    caller: WebhookCaller,
    id: string,
    query: { limit: number; cursor?: string; status?: DeliveryStatus },
  ) {
    await this.visible(caller, id);
    const after = decodeCursor(query.cursor);
    const rows = await listDeliveries(this.deps.db, {
      endpointId: id,
      status: query.status,
      limit: query.limit,
      after,
    });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: page.map(toDeliveryView), nextCursor };
  }

  /** Sends a delivery's message again (same webhook-id) as a new delivery behind that resource's pending ones. */
  async replay(caller: WebhookCaller, deliveryId: string) {
    const original = await findDelivery(this.deps.db, deliveryId);
    if (!original || !(await findEndpoint(this.deps.db, original.endpoint_id, ownerFilter(caller))))
      throw notFound('Webhook delivery');
    const replay = await this.deps.db.transaction().execute(async (tx) => {
      const row = await insertReplay(tx, original);
      await wakeDelivery(tx, this.deps.jobs);
      return row;
    });
    return toDeliveryView(replay);
  }

  private async visible(caller: WebhookCaller, id: string) {
    const row = await findEndpoint(this.deps.db, id, ownerFilter(caller));
    if (!row) throw notFound('Webhook endpoint');
    return row;
  }
}
