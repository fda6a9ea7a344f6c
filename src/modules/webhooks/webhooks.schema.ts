import { z } from 'zod';
import { safeText } from '../../platform/text.js';
import { MAX_URL_LENGTH } from './url-policy.js';
import { SUBSCRIPTION_PATTERNS } from './webhook-events.js';

const Events = z
  .array(z.enum(SUBSCRIPTION_PATTERNS as [string, ...string[]]))
  .min(1)
  .max(64);
const Url = z.string().min(1).max(MAX_URL_LENGTH);

export const CreateWebhookRequest = z
  .object({ url: Url, events: Events, description: safeText({ max: 500 }).optional() })
  .strict();

export const UpdateWebhookRequest = z
  .object({
    url: Url.optional(),
    events: Events.optional(),
    enabled: z.boolean().optional(),
    description: safeText({ max: 500 }).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /** Why it stopped: `by_owner`, `gone` (the receiver answered 410) or `failing` (24 h of failures). */
  disabledReason: z.string().nullable(),
  failingSince: z.string().nullable(),
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Creation and rotation answers are the only places a signing secret appears. */
export const WebhookWithSecretSchema = WebhookSchema.extend({ secret: z.string() });

export const DeliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  messageId: z.string(),
  type: z.string(),
  resourceId: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastLatencyMs: z.number().int().nullable(),
  lastResponse: z.string().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  replayOf: z.string().nullable(),
  createdAt: z.string(),
});

export const WebhookIdParams = z.object({ id: z.uuid() });

const Page = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
};
export const ListWebhooksQuery = z.object(Page);
export const ListDeliveriesQuery = z.object({ ...Page, status: z.enum(['pending', 'delivered', 'failed']).optional() });
