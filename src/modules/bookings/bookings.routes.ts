import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, noContent, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { hardDelete, listDeleted, restore, softDelete } from './booking-deletion.js';
import {
  BookingIdParams,
  BookingSchema,
  BookingStatusRequest,
  CreateBookingRequest,
  DeleteBookingRequest,
  ListBookingsQuery,
  PageQuery,
} from './bookings.schema.js';
import {
  changeBookingStatus,
  createBooking,
  getVisibleBooking,
  listBookingsFor,
  type BookingDeps,
} from './bookings.service.js';
import { toBookingView } from './booking-view.js';

const tags = ['bookings'];
const one = { 200: envelopeOf(BookingSchema) };
const many = { 200: envelopeOf(z.array(BookingSchema)) };

const STATUS_RULES = [
  'pending → confirmed → in_progress → completed: the provider (or an admin).',
  'pending|confirmed → cancelled: customer, provider or admin; in_progress → cancelled: admin only.',
  'A caller who cannot see the booking gets 404; one who can but may not make the move 403; a wrong state 409.',
  'Repeating the move that already happened returns 200 unchanged.',
].join(' ');

export function registerBookingRoutes(app: HttpApp, deps: BookingDeps) {
  const { db } = deps;
  app.post(
    '/api/v1/bookings',
    {
      schema: {
        summary: 'Book a provider',
        tags,
        body: CreateBookingRequest,
        response: { 201: envelopeOf(BookingSchema) },
      },
      config: { auth: ['rider'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await createBooking(deps, currentUser(request), request.body), { status: 201 }),
  );

  app.get(
    '/api/v1/bookings',
    {
      schema: { summary: "List the caller's bookings", tags, querystring: ListBookingsQuery, response: many },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listBookingsFor(db, currentUser(request), request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.get(
    '/api/v1/bookings/deleted',
    {
      schema: { summary: 'List soft-deleted bookings', tags, querystring: PageQuery, response: many },
      config: { auth: ['admin'] },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listDeleted(db, currentUser(request), request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.get(
    '/api/v1/bookings/:id',
    { schema: { summary: 'Get a booking', tags, params: BookingIdParams, response: one }, config: { auth: 'any' } },
    async (request, reply) => {
      const viewer = currentUser(request);
      return sendOk(reply, toBookingView(await getVisibleBooking(db, request.params.id, viewer), viewer));
    },
  );

  app.post(
    '/api/v1/bookings/:id/status',
    {
      schema: {
        summary: "Change a booking's status",
        tags,
        description: STATUS_RULES,
        params: BookingIdParams,
        body: BookingStatusRequest,
        response: one,
      },
      config: { auth: 'any', idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await changeBookingStatus(deps, currentUser(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/bookings/:id',
    {
      schema: {
        summary: 'Soft-delete a booking',
        tags,
        params: BookingIdParams,
        body: DeleteBookingRequest,
        response: one,
      },
      config: { auth: 'any' },
    },
    async (request, reply) =>
      sendOk(reply, await softDelete(deps, currentUser(request), request.params.id, request.body?.reason ?? null)),
  );

  app.post(
    '/api/v1/bookings/:id/restore',
    {
      schema: { summary: 'Restore a soft-deleted booking', tags, params: BookingIdParams, response: one },
      config: { auth: ['admin'], idempotent: true },
    },
    async (request, reply) => sendOk(reply, await restore(deps, currentUser(request), request.params.id)),
  );

  app.delete(
    '/api/v1/bookings/:id/hard-delete',
    {
      schema: { summary: 'Delete a booking for good', tags, params: BookingIdParams, response: noContent },
      config: { auth: ['admin'] },
    },
    async (request, reply) => {
      await hardDelete(deps, currentUser(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
