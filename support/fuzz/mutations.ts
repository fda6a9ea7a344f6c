/**
 * What the fuzzer does to a valid request: one kind of damage per request,
 * at one spot picked from the operation's schema (a body field, a query or
 * path parameter), or to the request as a whole (raw JSON, size, headers).
 * The kinds that damage one spot are in field-mutations.ts; those that damage
 * the request as a whole are here.
 */
import { damageField, pickFrom } from './field-mutations.js';
import type { JsonSchema } from './schema-arbitrary.js';

export { INJECTION, LONE_SURROGATES, NUL_STRINGS, UNICODE } from './field-mutations.js';

export const PAYLOAD_KINDS = [
  'valid',
  'wrongType',
  'missingField',
  'hugeString',
  'unicode',
  'loneSurrogate',
  'nul',
  'injection',
  'badId',
  'outOfRange',
  'unknownEnum',
  'extraField',
  'malformedJson',
  'bigBody',
  'wrongContentType',
  'badHeader',
] as const;
export type PayloadKind = (typeof PAYLOAD_KINDS)[number];

/** Kinds about the body as a whole: only for operations that take a body. */
const BODY_LEVEL: ReadonlySet<PayloadKind> = new Set(['malformedJson', 'bigBody', 'wrongContentType', 'extraField']);

export interface RequestParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface OperationSchemas {
  params: Record<string, JsonSchema>;
  query: Record<string, { schema: JsonSchema; required: boolean }>;
  body?: JsonSchema;
}

/** A mutated request before it becomes HTTP: `rawBody` and `headers` override the defaults. */
export interface Mutated {
  parts: RequestParts;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Where the damage is, for the report (`body.pickup.lat`, `query.limit`, `request`). */
  target: string;
}

export const MALFORMED_JSON: readonly string[] = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  'nul',
  'tru',
  '{"a":"\\x"}',
  '"\\ud800"',
  '{"a":1}{"b":2}',
  '\u0000',
  '',
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `{"constructor":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '\uFEFF{}',
  '{"a":1e999999}',
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/xml',
];
const BAD_HEADERS: Array<Record<string, string>> = [
  { authorization: 'Bearer ' },
  { authorization: 'Basic YWRtaW46YWRtaW4=' },
  { authorization: `Bearer ${'a'.repeat(8000)}` },
  { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.' },
  { 'x-client-version': 'abc' },
  { 'x-client-version': '0.0.1' },
  { 'x-client-version': '99999999999999999999.0.0' },
  { 'idempotency-key': 'k'.repeat(300) },
  { 'idempotency-key': '' },
  { 'x-request-id': '../../etc/passwd' },
  { 'x-api-key': "' OR '1'='1" },
  { 'x-api-key': 'sl_live_000000000000_' },
  { accept: 'text/xml' },
];
const BIG_BODY_BYTES = 1_048_576; // the brief's 1 MB: ten times the body cap

function bodyLevel(kind: PayloadKind, parts: RequestParts, pick: number): Mutated {
  const json = { 'content-type': 'application/json' };
  switch (kind) {
    case 'malformedJson':
      return { parts, rawBody: pickFrom(MALFORMED_JSON, pick), headers: json, target: 'request' };
    case 'bigBody':
      return { parts, rawBody: `{"x":"${'a'.repeat(BIG_BODY_BYTES)}"}`, headers: json, target: 'request' };
    case 'wrongContentType':
      return {
        parts,
        rawBody: JSON.stringify(parts.body ?? {}),
        headers: { 'content-type': pickFrom(CONTENT_TYPES, pick) },
        target: 'request',
      };
    default: {
      const extra = pickFrom(
        [{ __fuzzExtra: 'x' }, { role: 'admin', isAdmin: true }, { id: '00000000-0000-0000-0000-000000000000' }],
        pick,
      );
      const body =
        parts.body !== null && typeof parts.body === 'object' && !Array.isArray(parts.body)
          ? { ...parts.body, ...extra }
          : extra;
      return { parts: { ...parts, body }, target: 'body' };
    }
  }
}

/**
 * Applies `kind` to a valid request. `pick` (any non-negative integer from
 * the seeded generator) chooses the spot and the value, so a case replays
 * from its seed.
 */
export function mutate(kind: PayloadKind, parts: RequestParts, schemas: OperationSchemas, pick: number): Mutated {
  if (kind === 'valid') return { parts, target: 'none' };
  if (kind === 'badHeader') return { parts, headers: pickFrom(BAD_HEADERS, pick), target: 'headers' };
  if (BODY_LEVEL.has(kind))
    return schemas.body ? bodyLevel(kind, parts, pick) : mutate('wrongType', parts, schemas, pick);
  return damageField(kind, parts, schemas, pick) ?? { parts, headers: pickFrom(BAD_HEADERS, pick), target: 'headers' };
}
