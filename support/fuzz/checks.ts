/**
 * What every response must honour whatever was sent (API.md): the envelope
 * with a known code whose HTTP status matches, the request id echoed, and
 * nothing of the server's insides (stack frames, file paths, SQL errors).
 */
import { ErrorCode, HTTP_STATUS } from '../../src/platform/errors.js';

export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

/**
 * Server internals a client must never see. Written so none of the fuzzer's
 * own payloads match (echoed input is not a leak): checks.test asserts it.
 */
export const LEAK_PATTERNS: readonly RegExp[] = [
  /\bat [\w$.<>[\] ]+ \((?:file:\/\/|\/|node:)[^)]*:\d+:\d+\)/, // a stack frame
  /(?:\n|\\n)\s+at [\w$.<>]+ \(/, // the same, inside a JSON string
  /node_modules\//,
  /\/(?:src|test|dist)\/[\w/.-]+\.[cm]?[tj]s\b/,
  /\b(?:TypeError|ReferenceError|RangeError|AggregateError): /,
  /Cannot read propert(?:y|ies) of (?:undefined|null)/,
  /syntax error at or near|violates (?:unique|foreign key|check|not-null|exclusion) constraint|invalid input syntax for|duplicate key value|relation "[^"]+" does not exist|column "[^"]+" does not exist/i,
  /unsupported Unicode escape sequence|invalid byte sequence for encoding|current transaction is aborted|out of range for type|value too long for type/i,
  /\b(?:SELECT\s[\s\S]{1,200}\sFROM|INSERT INTO\s[\s\S]{1,200}\sVALUES|UPDATE\s\S+\sSET|DELETE FROM\s\S+)/,
];

export function findLeak(body: string): string | null {
  const hit = LEAK_PATTERNS.find((p) => p.test(body));
  return hit ? `matches ${hit}` : null;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

function metaProblem(res: RawResponse, meta: unknown): string | null {
  if (!isObject(meta) || typeof meta.requestId !== 'string' || typeof meta.timestamp !== 'string')
    return 'meta lacks requestId/timestamp';
  if (Number.isNaN(Date.parse(meta.timestamp))) return 'meta.timestamp is not ISO-8601';
  if (res.headers['x-request-id'] !== meta.requestId) return 'X-Request-Id header differs from meta.requestId';
  return null;
}

/** Why `res` is not a proper API envelope, or null when it is. 204 carries no body by contract. */
export function envelopeProblem(res: RawResponse): string | null {
  if (res.status === 204) return res.body === '' ? null : '204 with a body';
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return 'body is not JSON';
  }
  if (!isObject(body) || typeof body.success !== 'boolean') return 'no boolean `success`';
  const meta = metaProblem(res, body.meta);
  if (meta) return meta;
  if (body.success) return res.status < 400 && 'data' in body ? null : `success:true with status ${res.status}`;
  const error = body.error;
  if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string')
    return 'error lacks code/message';
  if (!KNOWN_CODES.has(error.code)) return `unknown error code ${error.code}`;
  const expected = HTTP_STATUS[error.code as ErrorCode];
  return expected === res.status ? null : `code ${error.code} sent with ${res.status}, contract says ${expected}`;
}
