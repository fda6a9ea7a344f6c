import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import { envelopeOf, noContent, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import type { HttpApp } from '../../platform/http/server.js';
import {
  ListNotificationsQuery,
  NotificationIdParams,
  NotificationSchema,
  PushDeviceRequest,
  PushTokenParams,
} from './notifications.schema.js';
import { listInbox, markAllRead, markRead, registerPushDevice, removePushDevice } from './notifications.service.js';

const tags = ['notifications'];

export function registerNotificationRoutes(app: HttpApp, db: Db) {
  app.get(
    '/api/v1/notifications',
    {
      schema: {
        summary: "List the caller's notifications",
        tags,
        querystring: ListNotificationsQuery,
        response: { 200: envelopeOf(z.array(NotificationSchema)) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listInbox(db, currentUser(request).id, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.post(
    '/api/v1/notifications/:id/read',
    {
      schema: {
        summary: 'Mark a notification read',
        tags,
        params: NotificationIdParams,
        response: { 200: envelopeOf(NotificationSchema) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => sendOk(reply, await markRead(db, currentUser(request).id, request.params.id)),
  );

  app.post(
    '/api/v1/notifications/read-all',
    {
      schema: {
        summary: 'Mark all notifications read',
        tags,
        response: { 200: envelopeOf(z.object({ updated: z.number().int() })) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => sendOk(reply, await markAllRead(db, currentUser(request).id)),
  );

  app.post(
    '/api/v1/me/push-tokens',
    {
      schema: {
        summary: 'Register a push device',
        tags,
        body: PushDeviceRequest,
        response: { 201: envelopeOf(PushDeviceRequest) },
        description:
          'Registers this device for pushes. 409 while the token belongs to another account whose session has not ' +
          'ended (its logout frees the token).',
      },
      config: { auth: 'any' },
    },
    async (request, reply) =>
      sendOk(reply, await registerPushDevice(db, currentUser(request), request.body), { status: 201 }),
  );

  app.delete(
    '/api/v1/me/push-tokens/:token',
    {
      schema: { summary: 'Forget a push device', tags, params: PushTokenParams, response: noContent },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      await removePushDevice(db, currentUser(request).id, request.params.token);
      return reply.code(204).send();
    },
  );
}
