import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import { envelopeOf, noContent, sendOk } from '../../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../../platform/http/route-config.js';
import type { HttpApp } from '../../platform/http/server.js';
import { getEmergencyContacts, putEmergencyContacts } from './contacts.service.js';
import {
  EmergencyContactsRequest,
  EmergencyContactsSchema,
  IdParams,
  ListSosQuery,
  ShareCreatedSchema,
  ShareParams,
  SharedTripSchema,
  ShareTokenParams,
  SosAlertSchema,
  SosCreatedSchema,
  SosMoveRequest,
  SosRequest,
  SosTrailSchema,
} from './safety.schema.js';
import type { TripShareService } from './share.service.js';
import type { SosService } from './sos.service.js';

const tags = ['safety'];
const alert = { 200: envelopeOf(SosAlertSchema) };

export function registerSafetyRoutes(app: HttpApp, deps: { db: Db; sos: SosService; shares: TripShareService }) {
  const { db, sos, shares } = deps;
  // No rate limit on SOS: a panicking user must never see 429. Critical: its session check and idempotency key use
  // the reserved pool, like the alert itself.
  app.post(
    '/api/v1/sos',
    {
      schema: {
        summary: 'Raise an SOS alert',
        tags,
        body: SosRequest,
        response: { 201: envelopeOf(SosCreatedSchema) },
      },
      config: { auth: 'any', rateLimit: 'none', idempotent: true, critical: true },
    },
    async (request, reply) => sendOk(reply, await sos.trigger(currentUser(request), request.body), { status: 201 }),
  );

  app.get(
    '/api/v1/sos/:id',
    { schema: { summary: 'Get an SOS alert', tags, params: IdParams, response: alert }, config: { auth: 'any' } },
    async (request, reply) => sendOk(reply, await sos.get(currentUser(request), request.params.id)),
  );

  app.get(
    '/api/v1/admin/sos',
    {
      schema: {
        summary: 'List SOS alerts',
        tags,
        querystring: ListSosQuery,
        response: { 200: envelopeOf(z.array(SosAlertSchema)) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) => {
      const { items, nextCursor } = await sos.list(request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.post(
    '/api/v1/admin/sos/:id/acknowledge',
    {
      schema: { summary: 'Acknowledge an SOS alert', tags, params: IdParams, body: SosMoveRequest, response: alert },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) =>
      sendOk(reply, await sos.acknowledge(currentUser(request), request.params.id, request.body?.note ?? null)),
  );

  app.post(
    '/api/v1/admin/sos/:id/resolve',
    {
      schema: { summary: 'Resolve an SOS alert', tags, params: IdParams, body: SosMoveRequest, response: alert },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) =>
      sendOk(reply, await sos.resolve(currentUser(request), request.params.id, request.body?.note ?? null)),
  );

  app.get(
    '/api/v1/admin/sos/:id/trail',
    {
      schema: {
        summary: "Get an SOS alert's live location trail",
        tags,
        params: IdParams,
        response: { 200: envelopeOf(SosTrailSchema) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) => sendOk(reply, await sos.trail(request.params.id)),
  );

  app.get(
    '/api/v1/me/emergency-contacts',
    {
      schema: {
        summary: "List the caller's emergency contacts",
        tags,
        response: { 200: envelopeOf(EmergencyContactsSchema) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => sendOk(reply, await getEmergencyContacts(db, currentUser(request).id)),
  );

  app.put(
    '/api/v1/me/emergency-contacts',
    {
      schema: {
        summary: "Replace the caller's emergency contacts",
        tags,
        body: EmergencyContactsRequest,
        response: { 200: envelopeOf(EmergencyContactsSchema) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => sendOk(reply, await putEmergencyContacts(db, currentUser(request).id, request.body)),
  );

  app.post(
    '/api/v1/trips/:id/share',
    {
      schema: {
        summary: 'Create a trip share link',
        tags,
        params: IdParams,
        response: { 201: envelopeOf(ShareCreatedSchema) },
      },
      config: { auth: 'any', idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await shares.create(currentUser(request), request.params.id), { status: 201 }),
  );

  app.delete(
    '/api/v1/trips/:id/share/:token',
    {
      schema: { summary: 'Revoke a trip share link', tags, params: ShareParams, response: noContent },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      await shares.revoke(currentUser(request), request.params.id, request.params.token);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/share/:token',
    {
      schema: {
        summary: 'Follow a shared trip',
        tags,
        params: ShareTokenParams,
        response: { 200: envelopeOf(SharedTripSchema) },
      },
    },
    async (request, reply) => sendOk(reply, await shares.view(request.params.token)),
  );
}
