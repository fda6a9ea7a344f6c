/** Issue 20 #5: the AsyncAPI 3 document of the sockets, built from the schemas the handlers validate with. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { asyncapiErrors } from '../../scripts/validate-asyncapi.js';
import { SERVER_EVENTS } from '../../src/platform/realtime/server-events.js';
import { componentKey } from '../../src/platform/realtime/asyncapi.js';

describe('AsyncAPI document', () => {
  let t: TestApp;
  const served = async () => {
    const res = await t.api('GET', '/api/docs/asyncapi.json');
    assert.equal(res.status, 200);
    return res.body;
  };
  before(async () => {
    t = await startTestApp('asyncapi_doc');
  });
  after(async () => t.close());

  test('is served at /api/docs/asyncapi.json and is valid AsyncAPI 3 for @asyncapi/parser', async () => {
    const doc = await served();
    assert.equal(doc.asyncapi, '3.0.0');
    assert.deepEqual(await asyncapiErrors(doc), []);
    assert.deepEqual(
      await asyncapiErrors({ ...doc, channels: { bad: { address: 1 } } }).then((e) => e.length > 0),
      true,
    );
  });

  test('every registered client event is an operation with its zod payload schema and an ack reply', async () => {
    const doc = await served();
    const names = t.app.gateway.events.list().map((d) => d.name);
    assert.ok(names.includes('chat:send') && names.includes('sos:trigger') && names.includes('sync'), names.join());
    for (const def of t.app.gateway.events.list()) {
      const key = componentKey(def.name);
      const operation = doc.operations[`send.${key}`];
      assert.ok(operation, def.name);
      assert.equal(operation.action, 'receive');
      assert.ok(operation.reply.messages[0].$ref.endsWith(`${key}.ack`), def.name);
      const message = doc.channels.socket.messages[key];
      const { $schema: _drop, ...expected } = z.toJSONSchema(def.schema, { target: 'draft-7', io: 'input' });
      assert.deepEqual(message.payload, expected, `${def.name} payload is the handler's schema`);
    }
    const chat = doc.channels.socket.messages.chat_send.payload;
    assert.deepEqual([...chat.required].sort(), ['clientMessageId', 'text', 'tripId']);
  });

  test('a handler registered later is in the document the next time it is served', async () => {
    t.app.gateway.events.register({
      name: 'test:later',
      summary: 'Registered after start-up',
      schema: z.object({ answer: z.number().int() }),
      handle: () => ({}),
    });
    const doc = await served();
    assert.equal(doc.channels.socket.messages.test_later.payload.properties.answer.type, 'integer');
  });

  test('server events are sent on their room channels and room events carry room and seq', async () => {
    const doc = await served();
    assert.equal(doc.channels.trip.address, 'trip:{tripId}');
    assert.equal(doc.channels.user.address, 'user:{userId}');
    for (const [name, spec] of Object.entries(SERVER_EVENTS)) {
      const message = doc.channels[spec.to].messages[componentKey(name)];
      assert.ok(message, name);
      assert.equal(doc.operations[`receive.${componentKey(name)}`].action, 'send');
      if (spec.to !== 'socket') assert.ok(message.payload.required.includes('seq'), `${name} carries seq`);
    }
  });

  test('a real room event a client receives matches its documented payload', async () => {
    const doc = await served();
    const rider = await t.signup('rider');
    await t.listen();
    const socket = await t.connectSocket(rider.accessToken);
    const got = new Promise<Record<string, unknown>>((resolve) => socket.once('trip:reassigning', resolve));
    const payload = { tripId: crypto.randomUUID(), reason: 'driver_offline', version: 3, at: new Date().toISOString() };
    t.platform.realtime.toUser(rider.id, 'trip:reassigning', payload);
    const received = await got;
    const documented = doc.channels.user.messages.trip_reassigning.payload;
    assert.deepEqual(Object.keys(received).sort(), Object.keys(documented.properties).sort());
    for (const field of documented.required) assert.ok(field in received, field);
  });
});
