/**
 * The fuzzer's damage to one spot of a request (mutations.ts picks the kind):
 * a body field, a query or path parameter, chosen from the operation's schema
 * to fit the kind (a string for an injection, a uuid for a bad id, a number
 * for out-of-range), replaced, or dropped when required.
 */
import type { Mutated, OperationSchemas, PayloadKind, RequestParts } from './mutations.js';
import type { JsonSchema } from './schema-arbitrary.js';

const WRONG_TYPES: unknown[] = [0, -1, 1.5, true, false, null, 'string', '', [], {}, [1, 'a'], { a: { b: 1 } }];
export const INJECTION: readonly string[] = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(5)',
  '" OR ""="',
  '{"$gt":""}',
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '%s%s%s%n',
  '\\',
  "'",
  '"',
  '`',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0x10',
  '1e400',
  '__proto__',
  'constructor',
  ' ',
  '\t\r\n',
  '*',
  '%',
];
export const UNICODE: readonly string[] = [
  '\u202Eevil',
  'ＡＢＣ１２３',
  '٠١٢٣٤٥',
  'e\u0301'.repeat(30),
  '👨‍👩‍👧‍👦'.repeat(10),
  '\uFEFFbom',
  '\u200B',
  '\uFFFF\uFFFE',
  '\u{10FFFF}',
  'مرحبا يا صديقي',
  '𝕳𝖊𝖑𝖑𝖔',
  '\u0007\u001b[31m',
];
export const LONE_SURROGATES: readonly string[] = ['\uD800', 'a\uDC00b', '\uDBFF', 'x\uD83D', '\uDE00y'];
export const NUL_STRINGS: readonly string[] = ['\u0000', 'a\u0000b', '\u0000'.repeat(10)];
const BAD_IDS = (uuid: string): string[] => [
  'not-a-uuid',
  '123',
  '0',
  '-1',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  `${uuid}x`,
  uuid.replaceAll('-', ''),
  `{${uuid}}`,
  "1' OR '1'='1",
  '%00',
  '..',
  'a'.repeat(5000),
  '9'.repeat(40),
  '1e3',
  'null',
];
/** JSON numbers JSON.stringify cannot write: spliced into the raw body via a sentinel. */
const RAW_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '1.0e+999', '-0.0e-999'];

interface Slot {
  where: 'params' | 'query' | 'body';
  path: string[];
  schema?: JsonSchema;
  /** A required object key or query parameter, which `missingField` may drop. */
  required: boolean;
}

function bodySlots(value: unknown, schema: JsonSchema | undefined, path: string[], required: boolean, out: Slot[]) {
  out.push({ where: 'body', path, schema, required });
  if (Array.isArray(value)) value.forEach((v, i) => bodySlots(v, schema?.items, [...path, String(i)], false, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      bodySlots(child, schema?.properties?.[key], [...path, key], schema?.required?.includes(key) ?? false, out);
    }
  }
}

function slotsOf(parts: RequestParts, schemas: OperationSchemas): Slot[] {
  const out: Slot[] = [];
  for (const [name, schema] of Object.entries(schemas.params))
    out.push({ where: 'params', path: [name], schema, required: true });
  for (const [name, q] of Object.entries(schemas.query))
    out.push({ where: 'query', path: [name], schema: q.schema, required: q.required });
  if (schemas.body) bodySlots(parts.body, schemas.body, [], false, out);
  return out;
}

const isString = (s: Slot) => s.schema?.type === 'string' || (s.schema === undefined && s.where !== 'body');
const isNumber = (s: Slot) => s.schema?.type === 'number' || s.schema?.type === 'integer';
export const pickFrom = <T>(items: readonly T[], pick: number): T => items[pick % items.length]!;

/** Which slots a kind may damage, best fit first; falls back to any slot. */
function candidates(kind: PayloadKind, slots: Slot[]): Slot[] {
  const leaves = slots.filter((s) => s.path.length > 0 || s.where !== 'body');
  const fit: Record<string, (s: Slot) => boolean> = {
    missingField: (s) => s.required && s.where !== 'params',
    hugeString: isString,
    unicode: isString,
    loneSurrogate: isString,
    nul: isString,
    injection: isString,
    badId: (s) => s.schema?.format === 'uuid' || s.where === 'params',
    outOfRange: isNumber,
    unknownEnum: (s) => Array.isArray(s.schema?.enum),
  };
  const test = fit[kind];
  const matching = test ? leaves.filter(test) : leaves;
  return matching.length > 0 ? matching : leaves.length > 0 ? leaves : slots;
}

function replacement(kind: PayloadKind, slot: Slot, pick: number): { value: unknown; raw?: string } {
  switch (kind) {
    case 'hugeString':
      return {
        value: pickFrom(['x', 'é', '𝕏'], pick).repeat(
          pickFrom(slot.where === 'body' ? [1_000, 10_000, 30_000, 99_000] : [300, 2_000, 8_000], pick >> 2),
        ),
      };
    case 'unicode':
      return { value: pickFrom(UNICODE, pick) };
    case 'loneSurrogate':
      return { value: pickFrom(LONE_SURROGATES, pick) };
    case 'nul':
      return { value: pickFrom(NUL_STRINGS, pick) };
    case 'injection':
      return { value: pickFrom(INJECTION, pick) };
    case 'badId':
      return { value: pickFrom(BAD_IDS('3f2b1c9e-8d7a-4e6f-9a1b-2c3d4e5f6a7b'), pick) };
    case 'unknownEnum': {
      const first = String(slot.schema?.enum?.[0] ?? 'x');
      return { value: pickFrom(['not_a_value', first.toUpperCase(), ` ${first}`, `${first}s`, ''], pick) };
    }
    case 'outOfRange': {
      const max = slot.schema?.maximum ?? 2 ** 31;
      const min = slot.schema?.minimum ?? -(2 ** 31);
      const values = [max + 1, min - 1, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 53), 0.5, 1e-320];
      if (pick % 3 === 0) return { value: null, raw: pickFrom(RAW_NUMBERS, pick >> 2) };
      return { value: pickFrom(values, pick >> 2) };
    }
    default:
      return { value: pickFrom(WRONG_TYPES, pick) };
  }
}

const RAW_SENTINEL = '\u0001fuzz-raw\u0001';

function setAt(root: unknown, path: string[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    if (remove) delete copy[head];
    else copy[head] = value;
  } else copy[head] = setAt(copy[head], rest, value, remove);
  return copy;
}

/**
 * Applies a one-spot `kind` to a valid request; null when the operation has
 * no spot to damage (no parameters, no body).
 */
export function damageField(
  kind: PayloadKind,
  parts: RequestParts,
  schemas: OperationSchemas,
  pick: number,
): Mutated | null {
  const slots = candidates(kind, slotsOf(parts, schemas));
  if (slots.length === 0) return null;
  const slot = pickFrom(slots, pick);
  const remove = kind === 'missingField' && slot.required && slot.where !== 'params';
  const { value, raw } = replacement(kind, slot, Math.floor(pick / slots.length));
  const next = { ...parts, [slot.where]: setAt(parts[slot.where], slot.path, raw ? RAW_SENTINEL : value, remove) };
  const target = [slot.where, ...slot.path].join('.');
  if (raw === undefined || slot.where !== 'body')
    return { parts: raw ? { ...next, [slot.where]: setAt(parts[slot.where], slot.path, raw, false) } : next, target };
  const rawBody = JSON.stringify(next.body).replace(JSON.stringify(RAW_SENTINEL), raw);
  return { parts: next, rawBody, headers: { 'content-type': 'application/json' }, target };
}
