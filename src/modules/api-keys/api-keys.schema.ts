import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeName } from '../../platform/text.js';
import { API_SCOPES } from '../../platform/http/route-config.js';

export const ApiKeySchema = named(
  'ApiKey',
  z.object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(API_SCOPES)),
    prefix: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  }),
);

/** The creation answer is the only place the full key ever appears. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string() });

export const CreateApiKeyRequest = z
  .object({
    name: safeName(100),
    scopes: z
      .array(z.enum(API_SCOPES))
      .min(1)
      .max(API_SCOPES.length * 2),
  })
  .strict();

export const ApiKeyIdParams = z.object({ id: z.uuid() });

export const ListApiKeysQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
