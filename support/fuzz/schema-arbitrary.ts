/**
 * The served OpenAPI's JSON Schema (the subset our zod schemas produce) as
 * fast-check arbitraries of VALID-ish values: the fuzzer starts from these
 * and breaks one spot at a time (mutations.ts), so a request gets past
 * validation often enough to exercise handlers and SQL too.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

export interface ArbitraryContext {
  /** Real ids from the seeded world: a uuid field picks one of these half the time, so lookups can hit. */
  knownIds: readonly string[];
}

const DAY_MS = 86_400_000;
/** Keeps generated bodies small: size limits are the mutations' job, not the valid generator's. */
const MAX_VALID_STRING = 40;
const MAX_VALID_ITEMS = 4;

/** Fields whose zod schema refines beyond JSON Schema (phone format): a plausible value gets further. */
const FIELD_HINTS: Record<string, fc.Arbitrary<unknown>> = {
  phone: fc.integer({ min: 0, max: 99_999_999 }).map((n) => `+2010${String(n).padStart(8, '0')}`),
  password: fc.constant('password-123'),
  currency: fc.constant('EGP'),
};

function numberArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  const integer = schema.type === 'integer';
  const exclusiveMin = schema.exclusiveMinimum === true || typeof schema.exclusiveMinimum === 'number';
  const exclusiveMax = schema.exclusiveMaximum === true || typeof schema.exclusiveMaximum === 'number';
  const min =
    typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : (schema.minimum ?? (integer ? 0 : -1000));
  const max =
    typeof schema.exclusiveMaximum === 'number'
      ? schema.exclusiveMaximum
      : (schema.maximum ?? (integer ? 100_000 : 1000));
  if (integer) {
    const lo = Math.ceil(min) + (exclusiveMin && Number.isInteger(min) ? 1 : 0);
    const hi = Math.min(Math.floor(max) - (exclusiveMax && Number.isInteger(max) ? 1 : 0), Math.max(lo, 1_000_000));
    return fc.integer({ min: lo, max: Math.max(lo, hi) });
  }
  return fc.double({
    min,
    max,
    minExcluded: exclusiveMin,
    maxExcluded: exclusiveMax,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

function stringArbitrary(schema: JsonSchema, ctx: ArbitraryContext): fc.Arbitrary<string> {
  if (schema.format === 'uuid')
    return ctx.knownIds.length > 0 ? fc.oneof(fc.constantFrom(...ctx.knownIds), fc.uuid()) : fc.uuid();
  if (schema.format === 'date-time') {
    // Mostly the near future: bookings and scheduled trips refuse the past.
    return fc.integer({ min: -DAY_MS, max: 30 * DAY_MS }).map((offset) => new Date(Date.now() + offset).toISOString());
  }
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      /* a pattern fast-check cannot generate from: fall through to plain strings */
    }
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? MAX_VALID_STRING, MAX_VALID_STRING));
  return fc.string({ minLength, maxLength });
}

function objectArbitrary(schema: JsonSchema, ctx: ArbitraryContext): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    shape[key] = FIELD_HINTS[key] ?? schemaArbitrary(child, ctx);
  return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in shape) });
}

/** Valid-ish values of `schema`; unknown constructs fall back to small JSON values. */
export function schemaArbitrary(schema: JsonSchema, ctx: ArbitraryContext): fc.Arbitrary<unknown> {
  const base = baseArbitrary(schema, ctx);
  return schema.nullable ? fc.option(base, { nil: null, freq: 8 }) : base;
}

function baseArbitrary(schema: JsonSchema, ctx: ArbitraryContext): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((s) => schemaArbitrary(s, ctx)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return objectArbitrary(schema, ctx);
    case 'array':
      return fc.array(schema.items ? schemaArbitrary(schema.items, ctx) : fc.jsonValue({ maxDepth: 1 }), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? MAX_VALID_ITEMS, MAX_VALID_ITEMS)),
      });
    case 'string':
      return stringArbitrary(schema, ctx);
    case 'number':
    case 'integer':
      return numberArbitrary(schema);
    case 'boolean':
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
