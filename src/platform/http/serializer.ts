/**
 * How responses become JSON. Each route's zod response schema is turned into a
 * JSON Schema (zod's own z.toJSONSchema, output side) and compiled by
 * fast-json-stringify, Fastify's own serializer. As with zod, only the
 * properties the schema declares are written (objects are closed), so a field
 * added to a row never leaks by accident. Required properties are written
 * before optional ones (fast-json-stringify's order; JSON objects are
 * unordered, the values are the same).
 *
 * Why not fastify-type-provider-zod's serializer: it encodes every response
 * through zod, then JSON.stringify. On GET /trips/:id that was ~23 % of the
 * server's CPU per request (bench:api profile, issue 22); fast-json-stringify
 * writes the same bytes in a quarter of the time (7 µs against 1.9 µs for the
 * trip envelope).
 *
 * A schema JSON Schema cannot express (a Date, `undefined` for a 204), or one
 * with a union, keeps zod's serializer. Compiling costs ~2 ms a schema, so each is compiled
 * on its first response, not for every route when an app starts (tests start
 * hundreds of apps).
 */
import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type Serialize = (data: unknown) => string;
type JsonSchema = Record<string, unknown>;

const isNullType = (s: unknown) => (s as JsonSchema | undefined)?.type === 'null';

/**
 * zod writes `.nullable()` as `anyOf: [T, {type: 'null'}]`, which fast-json-stringify serializes by running an ajv
 * validator on every value (1.8 % of GET /trips/:id's CPU); `{...T, nullable: true}` is the same output with an
 * `=== null` test. Rewrites the fresh schema in place.
 */
function nullableInPlace(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableInPlace);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as JsonSchema;
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2 && anyOf.some(isNullType)) {
    const other = anyOf.find((s) => !isNullType(s)) as JsonSchema;
    // Only a plain typed schema: beside a $ref or another combinator `nullable` would not be read.
    if (typeof other.type === 'string' && other.$ref === undefined) {
      delete schema.anyOf;
      Object.assign(schema, other, { nullable: true });
    }
  }
  Object.values(schema).forEach(nullableInPlace);
}

type RouteSchema = Parameters<typeof zodSerializerCompiler>[0];

/**
 * A union left after the nullable rewrite (an area that is a circle or a polygon) keeps zod: fast-json-stringify
 * picks a branch by validating the value against it, so a value carrying one field more than its branch declares
 * fails every branch and the response becomes a 500, where zod picks the branch and drops the field.
 */
const COMBINATOR = /"(anyOf|oneOf|allOf)":/;

function compile(route: RouteSchema): Serialize {
  if (route.schema instanceof z.ZodType) {
    try {
      const jsonSchema = z.toJSONSchema(route.schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' });
      nullableInPlace(jsonSchema);
      if (!COMBINATOR.test(JSON.stringify(jsonSchema))) return fastJson(jsonSchema as Parameters<typeof fastJson>[0]);
    } catch {
      // Not expressible as JSON Schema: zod's serializer, below.
    }
  }
  return zodSerializerCompiler(route) as Serialize;
}

export const serializerCompiler: typeof zodSerializerCompiler = (route) => {
  let serialize: Serialize | undefined;
  return (data: unknown) => (serialize ??= compile(route))(data);
};
