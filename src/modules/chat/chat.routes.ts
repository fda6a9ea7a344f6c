import { z } from 'zod';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import type { HttpApp } from '../../platform/http/server.js';
import {
  ListMessagesQuery,
  MessageIdParams,
  MessageSchema,
  ReportRequest,
  ReportSchema,
  SendMessageRequest,
  TripIdParams,
} from './chat.schema.js';
import type { ChatService } from './chat.service.js';

const tags = ['chat'];

export function registerChatRoutes(app: HttpApp, chat: ChatService) {
  app.post(
    '/api/v1/trips/:id/messages',
    {
      schema: {
        summary: 'Send a chat message',
        tags,
        params: TripIdParams,
        body: SendMessageRequest,
        response: { 201: envelopeOf(MessageSchema) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) =>
      sendOk(reply, await chat.sendMessage(currentUser(request), request.params.id, request.body), { status: 201 }),
  );

  app.get(
    '/api/v1/trips/:id/messages',
    {
      schema: {
        summary: "List a trip's chat messages",
        tags,
        params: TripIdParams,
        querystring: ListMessagesQuery,
        response: { 200: envelopeOf(z.array(MessageSchema)) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const { items, nextCursor } = await chat.listMessages(currentUser(request), request.params.id, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.post(
    '/api/v1/messages/:id/report',
    {
      schema: {
        summary: 'Report a chat message',
        tags,
        params: MessageIdParams,
        body: ReportRequest,
        response: { 201: envelopeOf(ReportSchema) },
      },
      config: { auth: 'any', idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await chat.reportMessage(currentUser(request), request.params.id, request.body.reason), {
        status: 201,
      }),
  );
}
