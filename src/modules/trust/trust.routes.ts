import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, noContent, sendOk } from '../../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../../platform/http/route-config.js';
import { TripIdParams } from '../trips/index.js';
import {
  BlockParams,
  BlockRequest,
  BlockSchema,
  ListReportsQuery,
  ReportIdParams,
  ReportRequest,
  ResolveReportRequest,
  UserReportSchema,
} from './trust.schema.js';
import {
  blockUser,
  listMyBlocks,
  listUserReports,
  reportTrip,
  resolveUserReport,
  unblockUser,
} from './trust.service.js';

const tags = ['trust'];
const report = { 200: envelopeOf(UserReportSchema) };

/** Blocks and reports (issue 16 point 2); rating a trip is a flow (src/flows/ratings.routes.ts). */
export function registerTrustRoutes(app: HttpApp, deps: { db: Db }) {
  const { db } = deps;
  app.get(
    '/api/v1/me/blocks',
    {
      schema: { summary: "List the caller's blocks", tags, response: { 200: envelopeOf(z.array(BlockSchema)) } },
      config: { auth: 'any' },
    },
    async (request, reply) => sendOk(reply, await listMyBlocks(db, currentUser(request))),
  );
  app.post(
    '/api/v1/me/blocks',
    {
      schema: { summary: 'Block a user', tags, body: BlockRequest, response: { 201: envelopeOf(BlockSchema) } },
      config: { auth: ['rider', 'driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await blockUser(db, currentUser(request), request.body.userId), { status: 201 }),
  );
  app.delete(
    '/api/v1/me/blocks/:userId',
    { schema: { summary: 'Unblock a user', tags, params: BlockParams, response: noContent }, config: { auth: 'any' } },
    async (request, reply) => {
      await unblockUser(db, currentUser(request), request.params.userId);
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/v1/trips/:id/report',
    {
      schema: {
        summary: 'Report the other party of a trip',
        tags,
        params: TripIdParams,
        body: ReportRequest,
        response: { 201: envelopeOf(UserReportSchema) },
      },
      config: { auth: ['rider', 'driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await reportTrip(db, currentUser(request), request.params.id, request.body), { status: 201 }),
  );
  app.get(
    '/api/v1/admin/reports/users',
    {
      schema: {
        summary: 'List user reports',
        tags: ['admin'],
        querystring: ListReportsQuery,
        response: { 200: envelopeOf(z.array(UserReportSchema)) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listUserReports(db, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
  app.post(
    '/api/v1/admin/reports/users/:id/resolve',
    {
      schema: {
        summary: 'Resolve a user report',
        tags: ['admin'],
        params: ReportIdParams,
        body: ResolveReportRequest,
        response: report,
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) =>
      sendOk(reply, await resolveUserReport(db, currentUser(request), request.params.id, request.body.note)),
  );
}
