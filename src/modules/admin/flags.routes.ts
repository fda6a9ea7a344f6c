import { z } from 'zod';
import { safeText } from '../../platform/text.js';
import type { HttpApp } from '../../platform/http/server.js';
import type { Db } from '../../platform/db/database.js';
import type { FlagSync } from '../../platform/flag-sync.js';
import { envelopeOf, noContent, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { FLAG_NAMES, type FeatureFlags } from '../../platform/flags.js';
import { FlagAdmin } from './flags.service.js';

const FlagSchema = z.object({
  name: z.enum(FLAG_NAMES),
  enabled: z.boolean(),
  source: z.enum(['env', 'override']),
  envDefault: z.boolean(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

const FlagChangeSchema = z.object({
  id: z.number().int(),
  flag: z.string(),
  oldEnabled: z.boolean(),
  newEnabled: z.boolean(),
  overrideRemoved: z.boolean(),
  reason: z.string().nullable(),
  changedBy: z.string().nullable(),
  changedAt: z.string(),
});

// Unknown names are a 404 from the service (API.md: unknown id), not a schema error.
const FlagParams = z.object({ name: z.string().min(1).max(64) });
const Reason = safeText({ min: 1, max: 500 });
const SetFlagRequest = z.object({ enabled: z.boolean(), reason: Reason.optional() }).strict();
const ClearFlagQuery = z.object({ reason: Reason.optional() });
const AuditQuery = z.object({
  flag: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
});

const tags = ['admin'];
const admin = { auth: ['admin'] as ['admin'] };

/** Feature flags at runtime: effective values, cluster-wide overrides, and who changed what. */
export interface FlagRouteDeps {
  db: Db;
  /** DB_SCHEMA: overrides are announced on a per-schema channel. */
  schema: string;
  flags: FeatureFlags;
  flagSync: Pick<FlagSync, 'refresh'>;
}

export function registerFlagRoutes(app: HttpApp, deps: FlagRouteDeps) {
  const flags = new FlagAdmin({
    db: deps.db,
    schema: deps.schema,
    flags: deps.flags,
    refresh: () => deps.flagSync.refresh(),
  });

  app.get(
    '/api/v1/admin/flags',
    {
      schema: { summary: 'List feature flags', tags, response: { 200: envelopeOf(z.array(FlagSchema)) } },
      config: admin,
    },
    async (_request, reply) => sendOk(reply, await flags.list()),
  );

  app.get(
    '/api/v1/admin/flags/audit',
    {
      schema: {
        summary: 'List feature flag changes',
        tags,
        querystring: AuditQuery,
        response: { 200: envelopeOf(z.array(FlagChangeSchema)) },
      },
      config: admin,
    },
    async (request, reply) => {
      const { items, nextCursor } = await flags.audit(request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.put(
    '/api/v1/admin/flags/:name',
    {
      schema: {
        summary: 'Override a feature flag',
        tags,
        params: FlagParams,
        body: SetFlagRequest,
        response: { 200: envelopeOf(FlagSchema) },
      },
      config: admin,
    },
    async (request, reply) =>
      sendOk(reply, await flags.set(currentUser(request).id, request.params.name, request.body)),
  );

  app.delete(
    '/api/v1/admin/flags/:name',
    {
      schema: {
        summary: 'Drop a feature flag override',
        tags,
        params: FlagParams,
        querystring: ClearFlagQuery,
        response: noContent,
      },
      config: admin,
    },
    async (request, reply) => {
      await flags.clear(currentUser(request).id, request.params.name, request.query.reason);
      return reply.code(204).send();
    },
  );
}
