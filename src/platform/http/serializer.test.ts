import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler as zodSerializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { serializerCompiler } from './serializer.js';

const Driver = z.object({ id: z.string(), name: z.string(), rating: z.number() });
const Trip = z.object({
  id: z.string(),
  status: z.enum(['accepted', 'completed']),
  driverId: z.string().nullable(),
  fare: z.object({ amount: z.number().int(), currency: z.string() }),
  stops: z.array(z.object({ lat: z.number(), lng: z.number() })).optional(),
  driver: Driver.optional(),
  extra: z.looseObject({ id: z.string() }).optional(),
  note: z.string(),
  car: z.object({ plate: z.string() }).nullable(),
  spare: z.object({ plate: z.string() }).nullable(),
  rating: z.number().nullable(),
});

const trip = {
  id: 't1',
  status: 'accepted',
  driverId: null,
  fare: { amount: 2500, currency: 'EGP', internalCost: 900 },
  stops: [{ lat: 30.1, lng: 31.2, secret: 'x' }],
  driver: { id: 'd1', name: 'Rana "R" Adel', rating: 4.9, phone: '+201000000000' },
  extra: { id: 'e1', kept: true },
  note: 'emoji \u{1F600}, line\nbreak, tab\t, lone \udc00 surrogate',
  car: { plate: 'BEN 1', vin: 'hidden' },
  spare: null,
  rating: null,
  passwordHash: 'argon2id$…',
};

describe('response serializer (fast-json-stringify from the zod schema)', () => {
  let app: FastifyInstance;
  before(async () => {
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.get('/trip', { schema: { response: { 200: Trip } } }, async () => trip);
    app.get('/no-note', { schema: { response: { 200: Trip } } }, async () => ({ ...trip, note: undefined }));
    const Area = z.union([
      z.object({ center: z.object({ lat: z.number(), lng: z.number() }), radiusM: z.number() }),
      z.object({ polygon: z.array(z.array(z.number())) }),
    ]);
    app.get('/zone', { schema: { response: { 200: z.object({ id: z.string(), area: Area }) } } }, async () => ({
      id: 'z1',
      area: { center: { lat: 30, lng: 31 }, radiusM: 500, internal: 'row column' },
    }));
    const Stamp = z.object({ at: z.date() });
    app.get('/date', { schema: { response: { 200: Stamp } } }, async () => ({ at: new Date(Date.UTC(2026, 11, 7)) }));
    app.delete('/gone', { schema: { response: { 204: z.undefined() } } }, async (_q, reply) => reply.code(204).send());
    await app.ready();
  });
  after(() => app.close());

  test('only the declared fields are written: what a row carries beyond the schema never reaches the client', async () => {
    const res = await app.inject({ method: 'GET', url: '/trip' });
    assert.equal(res.statusCode, 200);
    for (const secret of ['passwordHash', 'internalCost', 'secret', 'phone', 'vin'])
      assert.ok(!res.body.includes(secret));
    assert.deepEqual(res.json().extra, { id: 'e1', kept: true }, 'a loose object keeps its extra fields');
  });

  test('the JSON says what the zod serializer said: nulls (nullable objects too), omitted optionals, quotes, emoji, lone surrogates', async () => {
    // Required properties come first (fast-json-stringify's order); JSON objects are unordered, the values are equal.
    const route = { schema: Trip, method: 'GET', url: '/trip', httpStatus: '200' };
    const res = await app.inject({ method: 'GET', url: '/trip' });
    assert.deepEqual(res.json(), JSON.parse(zodSerializerCompiler(route)(trip)));
    assert.match(res.body, /lone \\udc00 surrogate/, 'a lone surrogate is escaped, so the body is valid UTF-8');
    const withoutOptionals = { ...trip, stops: undefined, driver: undefined, extra: undefined };
    const written = serializerCompiler(route)(withoutOptionals);
    assert.deepEqual(JSON.parse(written), JSON.parse(zodSerializerCompiler(route)(withoutOptionals)));
    assert.ok(!/"(stops|driver|extra)"/.test(written), 'omitted optionals are left out, not written as null');
  });

  test('a response missing a required field is a 500, never a body without it', async () => {
    const res = await app.inject({ method: 'GET', url: '/no-note' });
    assert.equal(res.statusCode, 500);
    assert.ok(!res.body.includes('"id":"t1"'), res.body);
  });

  test('what JSON Schema cannot express keeps zod (a Date as ISO 8601, a union); a 204 has no body', async () => {
    const res = await app.inject({ method: 'GET', url: '/date' });
    assert.deepEqual([res.statusCode, res.json()], [200, { at: '2026-12-07T00:00:00.000Z' }]);
    const zone = await app.inject({ method: 'GET', url: '/zone' });
    assert.deepEqual(
      [zone.statusCode, zone.json()],
      [200, { id: 'z1', area: { center: { lat: 30, lng: 31 }, radiusM: 500 } }],
      'a union keeps zod: the branch is picked and the extra field dropped, not a 500',
    );
    const gone = await app.inject({ method: 'DELETE', url: '/gone' });
    assert.deepEqual([gone.statusCode, gone.body], [204, '']);
  });
});
