/**
 * The AsyncAPI 3 document of the Socket.IO interface, built from what the
 * gateway runs: the client → server events registered with their zod schemas
 * (SocketEventRegistry) and the server → client catalogue (SERVER_EVENTS). A
 * handler added or changed is in the document the next time it is served.
 */
import { z } from 'zod';
import type { SocketEventRegistry } from './event-registry.js';
import { SERVER_EVENTS, type Audience, type ServerEventName } from './server-events.js';

type Json = Record<string, unknown>;

/** AsyncAPI component keys allow `[A-Za-z0-9._-]` only; event names use `:`. */
export const componentKey = (event: string) => event.replace(/[^A-Za-z0-9._-]/g, '_');

const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' });
  return rest;
};

const ROOM_FIELDS = z.object({
  room: z.string().describe('The room the event was sent to'),
  seq: z.number().int().describe('Per-room sequence number, monotonic; resume with `sync {room, lastSeq}`'),
});

const ACK_ERROR = z.object({
  ok: z.literal(false),
  error: z.object({
    code: z.string().describe('A code of the API error table'),
    message: z.string(),
    details: z.unknown(),
  }),
});

const CHANNELS: Record<Audience, Json> = {
  user: {
    address: 'user:{userId}',
    title: 'A user’s room',
    description: 'Every socket of the user joins it on connect.',
    parameters: { userId: { description: 'The user’s id' } },
  },
  trip: {
    address: 'trip:{tripId}',
    title: 'A trip’s room',
    description: 'The rider from the request, the driver from the accept; admins and re-joins via trip:subscribe.',
    parameters: { tripId: { description: 'The trip’s id' } },
  },
  request: {
    address: 'request:{requestId}',
    title: 'A service request’s room',
    description: 'The customer from the request, the provider from the assignment; re-joins via request:subscribe.',
    parameters: { requestId: { description: 'The service request’s id' } },
  },
  admin: { address: 'admin', title: 'Admins', description: 'Every admin socket.' },
  fleet: {
    address: 'fleet',
    title: 'Live map watchers',
    description: 'This node’s sockets that sent fleet:watch (the console’s map); each node sends its own deltas.',
  },
  socket: {
    address: '/',
    title: 'The connection',
    description: 'Events a client emits (each answered through its ack) and notices to this socket only.',
  },
};

function clientEvents(registry: SocketEventRegistry) {
  const messages: Json = {};
  const operations: Json = {};
  for (const def of registry.list()) {
    const key = componentKey(def.name);
    const who = def.roles ? `Roles: ${def.roles.join(', ')}.` : 'Any signed-in user.';
    messages[`${key}`] = { name: def.name, summary: def.summary, payload: jsonSchemaOf(def.schema, 'input') };
    messages[`${key}.ack`] = {
      name: `${def.name} ack`,
      summary: `The ack of ${def.name}: {ok:true, data} or {ok:false, error}`,
      payload: {
        oneOf: [
          { type: 'object', properties: { ok: { const: true }, data: {} }, required: ['ok'] },
          jsonSchemaOf(ACK_ERROR, 'output'),
        ],
      },
    };
    operations[`send.${key}`] = {
      action: 'receive',
      channel: { $ref: '#/channels/socket' },
      summary: def.summary,
      description: who,
      messages: [{ $ref: `#/channels/socket/messages/${key}` }],
      reply: { channel: { $ref: '#/channels/socket' }, messages: [{ $ref: `#/channels/socket/messages/${key}.ack` }] },
    };
  }
  return { messages, operations };
}

function serverEvents() {
  const messages: Record<Audience, Json> = { user: {}, trip: {}, request: {}, admin: {}, fleet: {}, socket: {} };
  const operations: Json = {};
  for (const [name, spec] of Object.entries(SERVER_EVENTS) as Array<
    [ServerEventName, (typeof SERVER_EVENTS)[ServerEventName]]
  >) {
    const key = componentKey(name);
    const inRoom = spec.to !== 'socket';
    const payload =
      inRoom && spec.payload instanceof z.ZodObject ? spec.payload.extend(ROOM_FIELDS.shape) : spec.payload;
    messages[spec.to][key] = { name, summary: spec.summary, payload: jsonSchemaOf(payload, 'output') };
    operations[`receive.${key}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${spec.to}` },
      summary: spec.summary,
      messages: [{ $ref: `#/channels/${spec.to}/messages/${key}` }],
    };
  }
  return { messages, operations };
}

/** The document served at /api/docs/asyncapi.json. */
export function asyncapiDocument(registry: SocketEventRegistry, version: string): Json {
  const client = clientEvents(registry);
  const server = serverEvents();
  const channels: Json = {};
  for (const [audience, channel] of Object.entries(CHANNELS) as Array<[Audience, Json]>) {
    const extra = audience === 'socket' ? client.messages : {};
    channels[audience] = { ...channel, messages: { ...server.messages[audience], ...extra } };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'SmartLine realtime (Socket.IO)',
      version,
      description:
        'Socket.IO events. Connect with `auth: {token}`; every client event takes an ack; room events carry `room` and `seq`.',
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: 'localhost:3000',
        protocol: 'ws',
        pathname: '/socket.io',
        description: 'Socket.IO on the API’s HTTP server (websocket transport)',
        security: [{ $ref: '#/components/securitySchemes/accessToken' }],
      },
    },
    channels,
    operations: { ...client.operations, ...server.operations },
    components: {
      securitySchemes: {
        accessToken: {
          type: 'httpApiKey',
          name: 'token',
          in: 'query',
          description: 'The access JWT, sent in the Socket.IO handshake as `auth: {token}`',
        },
      },
    },
  };
}
