/**
 * The OpenAPI document is derived, never hand-written per route: each
 * operation's id, tags, security, request headers and error responses follow
 * from the route table (its `config`: auth, apiKeyScope, idempotent, plain,
 * rateLimit, errors) and the one error table, so a route added tomorrow is
 * documented truthfully without anyone remembering to.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ErrorCode, HTTP_STATUS } from '../errors.js';
import { ErrorEnvelopeSchema } from './envelope.js';
import { routeTable, type RouteEntry } from './route-table.js';

/**
 * Named component schemas (Trip, Wallet, Booking, Error …): a schema registered
 * here is emitted once under `components.schemas` and referenced by `$ref`.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const byId = new Map<string, z.ZodType>();

/**
 * Registers `schema` as the named component `id`; returns it so a module can write `named('Trip', z.object(…))`.
 * A schema built per app (GET /wallet's, extended at registration) replaces the previous app's under the same id.
 */
export function named<S extends z.ZodType>(id: string, schema: S): S {
  const previous = byId.get(id);
  if (previous === schema) return schema;
  if (previous) apiSchemas.remove(previous);
  apiSchemas.add(schema, { id });
  byId.set(id, schema);
  return schema;
}

named('Error', ErrorEnvelopeSchema);

export const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from /auth/login' },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Integrator key with the route’s scope' },
} as const;

const OPENAPI_INFO = {
  title: 'SmartLine API',
  description: 'Ride-hailing, field-service jobs and bookings. Error codes: see the Error schema and docs/api.md.',
  license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
};

// The document is OpenAPI 3.0: components need the same target as inline schemas (no `const`, no type null).
const OAS_TARGET = { target: 'openapi-3.0' } as const;
export const zodTransform = createJsonSchemaTransform({ schemaRegistry: apiSchemas, zodToJsonConfig: OAS_TARGET });
const zodTransformObject = createJsonSchemaTransformObject({ schemaRegistry: apiSchemas, zodToJsonConfig: OAS_TARGET });

/** The swagger plugin options: zod schemas in, registry components, then the route table's truth. */
export function openapiOptions(app: FastifyInstance, version: string) {
  return {
    openapi: {
      openapi: '3.0.3',
      info: { ...OPENAPI_INFO, version },
      servers: [{ url: '/', description: 'This server' }],
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: zodTransform,
    transformObject: (input: Parameters<typeof zodTransformObject>[0]) =>
      describeOperations(zodTransformObject(input) as OpenApiDocument, routeTable(app)),
  };
}

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: unknown[];
  responses?: Record<string, { description?: string }>;
  [key: string]: unknown;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Record<string, unknown> } & Record<string, unknown>;
  [key: string]: unknown;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const camel = (s: string) => s.replace(/[-_.]+(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * `GET /api/v1/trips/:id/receipt` ⇒ `getTripsByIdReceipt`: unique because a
 * method and a path are, stable because nothing but the route feeds it.
 */
export function deriveOperationId(method: string, url: string): string {
  const segments = url
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? `By${capitalise(camel(s.slice(1)))}` : capitalise(camel(s))));
  return `${method.toLowerCase()}${segments.join('') || 'Root'}`;
}

/** The module a route belongs to: its declared tags, else its first path segment after the version. */
function tagsOf(route: RouteEntry, op: Operation): string[] {
  if (Array.isArray(op.tags) && op.tags.length > 0) return op.tags;
  const rest = route.url
    .replace(/^\/api\/(v1\/)?/, '/')
    .split('/')
    .filter(Boolean);
  const first = rest[0] === 'admin' ? 'admin' : (rest[0] ?? 'ops');
  return [route.url.startsWith('/health') || first === 'metrics' || first === 'version' ? 'ops' : first];
}

function securityOf(route: RouteEntry): Array<Record<string, string[]>> {
  if (!route.config.auth) return [];
  return route.config.apiKeyScope ? [{ bearer: [] }, { apiKey: [] }] : [{ bearer: [] }];
}

/** Every code the platform's hooks and the route's own declaration let this route answer. */
export function errorCodesOf(route: RouteEntry): ErrorCode[] {
  const { config, schema = {}, url, method } = route;
  const codes = new Set<ErrorCode>([ErrorCode.INTERNAL, ErrorCode.SERVICE_UNAVAILABLE]);
  const versioned = url.startsWith('/api/v1/');
  if (versioned) codes.add(ErrorCode.UPGRADE_REQUIRED);
  if (versioned || schema.body || schema.querystring || schema.params) codes.add(ErrorCode.VALIDATION_ERROR);
  if (schema.body || ['POST', 'PUT', 'PATCH'].includes(method)) codes.add(ErrorCode.PAYLOAD_TOO_LARGE);
  if (!config.plain && config.rateLimit !== 'none') codes.add(ErrorCode.RATE_LIMITED);
  if (config.auth) [ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN].forEach((c) => codes.add(c));
  if (config.idempotent)
    [ErrorCode.IDEMPOTENCY_KEY_IN_USE, ErrorCode.IDEMPOTENCY_MISMATCH].forEach((c) => codes.add(c));
  if (url.includes('/:')) codes.add(ErrorCode.NOT_FOUND);
  // A move on an existing resource can find it in another state (accepted twice, already resolved …).
  if (url.includes('/:') && method !== 'GET') codes.add(ErrorCode.CONFLICT);
  for (const code of config.errors ?? []) codes.add(code);
  return [...codes];
}

/** Error responses grouped by status, each naming the codes it carries, all in the one Error envelope. */
function errorResponsesOf(codes: ErrorCode[]): Record<string, { description: string }> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(HTTP_STATUS[code], [...(byStatus.get(HTTP_STATUS[code]) ?? []), code]);
  const out: Record<string, { description: string; content: unknown }> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: `Error: ${list.join(', ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Replays the stored reply for 24 h; the same key with another body ⇒ 422 IDEMPOTENCY_MISMATCH',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const CLIENT_VERSION = {
  name: 'X-Client-Version',
  in: 'header',
  required: false,
  description: 'The app’s MAJOR.MINOR.PATCH; below the minimum ⇒ 426 UPGRADE_REQUIRED',
  schema: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
};

function headersOf(route: RouteEntry) {
  return [
    ...(route.config.idempotent ? [IDEMPOTENCY_KEY] : []),
    ...(route.url.startsWith('/api/v1/') ? [CLIENT_VERSION] : []),
  ];
}

function describeOperation(op: Operation, method: string, route: RouteEntry | undefined) {
  if (!route) return;
  op.operationId = (route.schema?.operationId as string | undefined) ?? deriveOperationId(method, route.url);
  op.tags = tagsOf(route, op);
  op.security = securityOf(route);
  const headers = headersOf(route);
  if (headers.length > 0) op.parameters = [...(op.parameters ?? []), ...headers];
  for (const response of Object.values(op.responses ?? {})) {
    if (response.description === 'Default Response') response.description = 'Success';
  }
  op.responses = { ...op.responses, ...errorResponsesOf(errorCodesOf(route)) };
}

/** Drops components nothing references (the registry emits an input and an output twin of each). */
function pruneUnusedSchemas(doc: OpenApiDocument) {
  const schemas = doc.components.schemas ?? {};
  const used = new Set<string>();
  const visit = (text: string) => {
    for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (used.has(m[1]!)) continue;
      used.add(m[1]!);
      visit(JSON.stringify(schemas[m[1]!] ?? {}));
    }
  };
  visit(JSON.stringify(doc.paths));
  doc.components.schemas = Object.fromEntries(Object.entries(schemas).filter(([id]) => used.has(id)));
}

/**
 * OpenAPI 3.0 allows `nullable` only beside a `type`; zod writes a nullable union as `{anyOf, nullable}`. The
 * same meaning in 3.0's terms: every branch of the union may be null.
 */
function nullableUnionsToBranches(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableUnionsToBranches);
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (schema.nullable === true && schema.type === undefined && Array.isArray(union)) {
    delete schema.nullable;
    union.forEach((branch) => {
      if (branch && typeof branch === 'object' && !('$ref' in branch))
        (branch as Record<string, unknown>).nullable = true;
    });
  }
  Object.values(schema).forEach(nullableUnionsToBranches);
}

/** Fills in what every operation owes its readers, from the route that serves it. */
export function describeOperations(doc: OpenApiDocument, routes: readonly RouteEntry[]): OpenApiDocument {
  const byKey = new Map(routes.map((r) => [`${r.method.toLowerCase()} ${openApiPath(r.url)}`, r]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (HTTP_METHODS.includes(method)) describeOperation(op, method, byKey.get(`${method} ${path}`));
    }
  }
  pruneUnusedSchemas(doc);
  nullableUnionsToBranches(doc);
  return doc;
}
