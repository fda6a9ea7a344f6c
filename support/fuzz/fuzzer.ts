/**
 * Schemathesis-style fuzzing of the whole HTTP API, generated from the
 * OpenAPI the app serves: for each operation, seeded cases that start valid
 * (schema-arbitrary.ts) and get one kind of damage (mutations.ts), sent by a
 * caller of each kind (world.ts). Every response is checked (checks.ts): no
 * 5xx, the envelope, no leaked internals. Shared by `npm run fuzz` and the
 * short run inside `npm test`.
 */
import fc from 'fast-check';
import type { TestApp } from '../harness.js';
import { routeTable, type RouteEntry } from '../../src/platform/http/route-table.js';
import type { Role } from '../../src/platform/http/route-config.js';
import { schemaArbitrary, type ArbitraryContext, type JsonSchema } from './schema-arbitrary.js';
import {
  PAYLOAD_KINDS,
  mutate,
  type Mutated,
  type OperationSchemas,
  type PayloadKind,
  type RequestParts,
} from './mutations.js';
import { envelopeProblem, findLeak, type RawResponse } from './checks.js';
import { PRINCIPALS, seedWorld, type FuzzWorld, type Principal } from './world.js';

export interface Operation {
  /** `POST /api/v1/trips/{id}/status`, as in the OpenAPI. */
  id: string;
  method: string;
  path: string;
  schemas: OperationSchemas;
  route?: RouteEntry;
}

export interface Finding {
  operation: string;
  kind: PayloadKind;
  target: string;
  principal: Principal;
  status: number;
  problem: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: string;
}

export interface FuzzReport {
  seed: number;
  casesPerOperation: number;
  operations: number;
  requestsSent: number;
  durationMs: number;
  statusHistogram: Record<string, number>;
  byKind: Record<string, { sent: number; fiveXX: number }>;
  fiveXX: { count: number; byOperation: Record<string, number>; findings: Finding[] };
  leaks: { count: number; findings: Finding[] };
  envelope: { count: number; findings: Finding[] };
  timeouts: { count: number; findings: Finding[] };
}

export interface FuzzOptions {
  seed: number;
  casesPerOperation: number;
  /** Per request; a request that takes longer is reported as hung. */
  timeoutMs?: number;
  /** Progress lines (one per operation); silent when omitted. */
  progress?: (line: string) => void;
}

const MAX_FINDINGS = 200;
const SNIPPET = 400;
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const snip = (s: string) => (s.length > SNIPPET ? `${s.slice(0, SNIPPET)}…(${s.length} chars)` : s);

/** Operations of the served OpenAPI, each with its route's declared config when the route table has it. */
export function operationsOf(spec: any, routes: readonly RouteEntry[]): Operation[] {
  const byKey = new Map(routes.map((r) => [`${r.method} ${openApiPath(r.url)}`, r]));
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      const schemas: OperationSchemas = { params: {}, query: {} };
      for (const p of op.parameters ?? []) {
        if (p.in === 'path') schemas.params[p.name] = p.schema ?? {};
        if (p.in === 'query') schemas.query[p.name] = { schema: p.schema ?? {}, required: Boolean(p.required) };
      }
      const body = op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
      if (body) schemas.body = body;
      const id = `${method.toUpperCase()} ${path}`;
      out.push({ id, method: method.toUpperCase(), path, schemas, route: byKey.get(id) });
    }
  }
  return out;
}

/**
 * Percent-encodes like encodeURIComponent; lone surrogates become their (invalid) 3-byte UTF-8 form instead of
 * throwing.
 */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return Array.from(value, (ch) => {
      const c = ch.codePointAt(0)!;
      if (c < 0xd800 || c > 0xdfff) return encodeURIComponent(ch);
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    }).join('');
  }
}

const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

function urlOf(op: Operation, parts: RequestParts): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(asText(parts.params[name])));
  const query: string[] = [];
  for (const [key, value] of Object.entries(parts.query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value])
      query.push(`${encodeSegment(key)}=${encodeSegment(asText(v))}`);
  }
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

const FUZZ_ROLES: readonly Role[] = ['rider', 'driver', 'admin'];

/** Callers the route lets in (so most cases get past auth), else anyone. */
function allowedPrincipals(op: Operation): readonly Principal[] {
  const auth = op.route?.config.auth;
  if (!auth) return PRINCIPALS;
  // Staff grants (dispatcher, finance, support) always come with admin, whom the fuzz world has.
  const roles: Principal[] =
    auth === 'any' ? ['rider', 'driver', 'admin'] : auth.filter((g): g is Role => FUZZ_ROLES.includes(g as Role));
  return op.route?.config.apiKeyScope ? [...roles, 'apiKey'] : roles;
}

interface Case {
  parts: RequestParts;
  kind: PayloadKind;
  pick: number;
  who: number;
}

/** The operation's cases, a pure function of the seed. Valid requests are weighted up so handlers run too. */
export function casesFor(op: Operation, ctx: ArbitraryContext, seed: number, count: number): Case[] {
  const obj = (shape: Record<string, JsonSchema>, required: string[]) =>
    schemaArbitrary({ type: 'object', properties: shape, required }, ctx);
  const queryShape = Object.fromEntries(Object.entries(op.schemas.query).map(([k, q]) => [k, q.schema]));
  const queryRequired = Object.entries(op.schemas.query)
    .filter(([, q]) => q.required)
    .map(([k]) => k);
  const parts = fc.record({
    params: obj(op.schemas.params, Object.keys(op.schemas.params)),
    query: obj(queryShape, queryRequired),
    body: op.schemas.body ? schemaArbitrary(op.schemas.body, ctx) : fc.constant(undefined),
  }) as fc.Arbitrary<RequestParts>;
  const kind = fc.oneof(
    { arbitrary: fc.constant<PayloadKind>('valid'), weight: 3 },
    { arbitrary: fc.constantFrom(...PAYLOAD_KINDS.slice(1)), weight: 7 },
  );
  let hash = seed;
  for (const ch of op.id) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return fc.sample(fc.record({ parts, kind, pick: fc.nat(), who: fc.nat() }), { seed: hash, numRuns: count });
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

function requestOf(op: Operation, c: Case, m: Mutated, principalHeaders: Record<string, string>): Sent {
  const headers: Record<string, string> = { ...principalHeaders };
  // collisions on purpose: replays and mismatches
  if (op.route?.config.idempotent && c.pick % 2 === 0) headers['idempotency-key'] = `fuzz-${c.pick % 3}`;
  let payload = m.rawBody;
  if (payload === undefined && m.parts.body !== undefined && op.method !== 'GET')
    payload = JSON.stringify(m.parts.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, m.headers);
  return { method: op.method, url: urlOf(op, m.parts), headers, payload };
}

async function send(t: TestApp, req: Sent, timeoutMs: number): Promise<RawResponse | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const res = await Promise.race([
    t.app.http.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, payload: req.payload }),
    hung,
  ]);
  clearTimeout(timer);
  return res === 'timeout' ? res : { status: res.statusCode, body: res.body, headers: res.headers };
}

/** The caller's own credentials are named, not shown: reports get shared, tokens must not be. */
function redacted(
  headers: Record<string, string>,
  credentials: Record<string, string>,
  principal: Principal,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, credentials[k] === v ? `<${principal}>` : snip(v)]),
  );
}

/** /health/*, /metrics and /api/docs* answer plain (API.md); everything else is enveloped. */
const isPlain = (op: Operation) => Boolean(op.route?.config.plain) || op.path.startsWith('/api/docs');

function emptyReport(opts: FuzzOptions, operations: number): FuzzReport {
  return {
    seed: opts.seed,
    casesPerOperation: opts.casesPerOperation,
    operations,
    requestsSent: 0,
    durationMs: 0,
    statusHistogram: {},
    byKind: {},
    fiveXX: { count: 0, byOperation: {}, findings: [] },
    leaks: { count: 0, findings: [] },
    envelope: { count: 0, findings: [] },
    timeouts: { count: 0, findings: [] },
  };
}

function record(report: FuzzReport, bucket: { count: number; findings: Finding[] }, finding: Finding) {
  bucket.count += 1;
  if (bucket.findings.length < MAX_FINDINGS) bucket.findings.push(finding);
}

function judge(
  report: FuzzReport,
  op: Operation,
  finding: Omit<Finding, 'problem' | 'status' | 'response'>,
  res: RawResponse | 'timeout',
) {
  const stats = (report.byKind[finding.kind] ??= { sent: 0, fiveXX: 0 });
  stats.sent += 1;
  report.requestsSent += 1;
  if (res === 'timeout')
    return record(report, report.timeouts, { ...finding, status: 0, problem: 'no response in time', response: '' });
  report.statusHistogram[res.status] = (report.statusHistogram[res.status] ?? 0) + 1;
  const full = (problem: string): Finding => ({ ...finding, status: res.status, problem, response: snip(res.body) });
  if (res.status >= 500) {
    stats.fiveXX += 1;
    const key = `${op.id} [${finding.kind}]`;
    report.fiveXX.byOperation[key] = (report.fiveXX.byOperation[key] ?? 0) + 1;
    record(report, report.fiveXX, full(`status ${res.status}`));
  }
  const leak = findLeak(res.body);
  if (leak) record(report, report.leaks, full(leak));
  const envelope = isPlain(op) ? null : envelopeProblem(res);
  if (envelope) record(report, report.envelope, full(envelope));
}

/** Runs the fuzzer against `t` (seeding its own callers and data) and returns what it saw. */
export async function runFuzz(t: TestApp, opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  t.app.markStarted(); // as main.ts does once serving: /health/startup answers 503 until then, by design
  const world: FuzzWorld = await seedWorld(t);
  const operations = operationsOf(t.app.http.swagger(), routeTable(t.app.http));
  const report = emptyReport(opts, operations.length);
  for (const op of operations) {
    await world.revive();
    for (const c of casesFor(op, { knownIds: world.knownIds }, opts.seed, opts.casesPerOperation)) {
      const allowed = allowedPrincipals(op);
      const principal = c.who % 4 === 0 ? PRINCIPALS[c.who % PRINCIPALS.length]! : allowed[c.who % allowed.length]!;
      const mutated = mutate(c.kind, c.parts, op.schemas, c.pick);
      const req = requestOf(op, c, mutated, world.headersFor(principal));
      const res = await send(t, req, opts.timeoutMs ?? 15_000);
      const shown = {
        method: req.method,
        url: snip(req.url),
        headers: redacted(req.headers, world.headersFor(principal), principal),
        body: req.payload === undefined ? undefined : snip(req.payload),
      };
      judge(report, op, { operation: op.id, kind: c.kind, target: mutated.target, principal, request: shown }, res);
    }
    opts.progress?.(`${op.id}: ${report.requestsSent} sent, ${report.fiveXX.count} 5xx so far`);
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}
