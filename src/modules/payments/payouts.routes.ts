import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../../platform/http/route-config.js';
import { notFound } from '../../platform/errors.js';
import type { PaymentsDeps } from './payments.deps.js';
import { payoutMethodOf, setPayoutMethod } from './payout-methods.service.js';
import { decidePayout, exportPayoutBatch, listPayoutsFor } from './payouts.service.js';
import { dailyFinanceReport } from './daily-report.service.js';
import { DailyReportQuery, DailyReportSchema } from './daily-report.schema.js';
import {
  ExportPayoutsQuery,
  ListPayoutsQuery,
  PayoutFailedBody,
  PayoutMethodRequest,
  PayoutMethodSchema,
  PayoutPaidBody,
  PayoutParams,
  PayoutSchema,
} from './payouts.schema.js';

const admin = { auth: STAFF_ACCESS.money };

/** Where a driver's money goes (their payout method), finance's payout desk and its daily report. */
export function registerPayoutRoutes(app: HttpApp, deps: PaymentsDeps) {
  const db = deps.db;

  app.put(
    '/api/v1/wallet/payout-method',
    {
      schema: {
        summary: "Set the caller's payout method",
        tags: ['wallet'],
        body: PayoutMethodRequest,
        response: { 200: envelopeOf(PayoutMethodSchema) },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) => sendOk(reply, await setPayoutMethod(db, currentUser(request).id, request.body)),
  );

  app.get(
    '/api/v1/wallet/payout-method',
    {
      schema: {
        summary: "Get the caller's payout method",
        tags: ['wallet'],
        response: { 200: envelopeOf(PayoutMethodSchema) },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) => {
      const method = await payoutMethodOf(db, currentUser(request).id);
      if (!method) throw notFound('Payout method');
      return sendOk(reply, method);
    },
  );

  app.get(
    '/api/v1/admin/payouts',
    {
      schema: {
        summary: 'List payouts',
        tags: ['admin'],
        querystring: ListPayoutsQuery,
        response: { 200: envelopeOf(z.array(PayoutSchema)) },
      },
      config: admin,
    },
    async (request, reply) => {
      const { items, nextCursor } = await listPayoutsFor(db, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.get(
    '/api/v1/admin/payouts/export.csv',
    {
      schema: { summary: "Export a day's pending payouts as CSV", tags: ['admin'], querystring: ExportPayoutsQuery },
      config: { ...admin, plain: true },
    },
    async (request, reply) => {
      const csv = await exportPayoutBatch(db, request.query.date);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="payouts-${request.query.date}.csv"`)
        .send(csv);
    },
  );

  app.post(
    '/api/v1/admin/payouts/:id/paid',
    {
      schema: {
        summary: 'Mark a payout paid',
        tags: ['admin'],
        params: PayoutParams,
        body: PayoutPaidBody,
        response: { 200: envelopeOf(PayoutSchema) },
      },
      config: { ...admin, idempotent: true },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await decidePayout(deps, {
          adminId: currentUser(request).id,
          payoutId: request.params.id,
          outcome: { to: 'paid', bankReference: request.body.reference },
        }),
      ),
  );

  app.post(
    '/api/v1/admin/payouts/:id/failed',
    {
      schema: {
        summary: 'Mark a payout failed',
        tags: ['admin'],
        params: PayoutParams,
        body: PayoutFailedBody,
        response: { 200: envelopeOf(PayoutSchema) },
      },
      config: { ...admin, idempotent: true },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await decidePayout(deps, {
          adminId: currentUser(request).id,
          payoutId: request.params.id,
          outcome: { to: 'failed', reason: request.body.reason },
        }),
      ),
  );

  app.get(
    '/api/v1/admin/reports/daily',
    {
      schema: {
        summary: 'Get the daily finance report',
        tags: ['admin'],
        querystring: DailyReportQuery,
        response: { 200: envelopeOf(DailyReportSchema) },
      },
      config: admin,
    },
    async (request, reply) => sendOk(reply, await dailyFinanceReport(db, request.query.date)),
  );
}
