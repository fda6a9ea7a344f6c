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
  ServiceRequestMessageSchema,
  TripIdParams,
} from './chat.schema.js';
import type { ChatService } from './chat.service.js';

const tags = ['chat'];
const trip = (id: string) => ({ kind: 'trip', id }) as const;
const serviceRequest = (id: string) => ({ kind: 'service_request', id }) as const;

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
      sendOk(reply, await chat.sendMessage(currentUser(request), trip(request.params.id), request.body), {
        status: 201,
      }),
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
      const { items, nextCursor } = await chat.listMessages(
        currentUser(request),
        trip(request.params.id),
        request.query,
      );
      return sendOk(reply, items, { nextCursor });
    },
  );

  registerServiceRequestChatRoutes(app, chat);

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

/** Issue 18 #4: the same chat for a service request's customer and provider (staff read it too). */
function registerServiceRequestChatRoutes(app: HttpApp, chat: ChatService) {
  app.post(
    '/api/v1/service-requests/:id/messages',
    {
      schema: {
        summary: "Send a message in a service request's chat",
        tags,
        params: TripIdParams,
        body: SendMessageRequest,
        response: { 201: envelopeOf(ServiceRequestMessageSchema) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) =>
      sendOk(reply, await chat.sendMessage(currentUser(request), serviceRequest(request.params.id), request.body), {
        status: 201,
      }),
  );

  app.get(
    '/api/v1/service-requests/:id/messages',
    {
      schema: {
        summary: "List a service request's chat messages",
        tags,
        params: TripIdParams,
        querystring: ListMessagesQuery,
        response: { 200: envelopeOf(z.array(ServiceRequestMessageSchema)) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const viewer = currentUser(request);
      const { items, nextCursor } = await chat.listMessages(viewer, serviceRequest(request.params.id), request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
}
