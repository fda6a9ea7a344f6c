import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import type { PaymentsDeps } from './payments.deps.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../../platform/http/route-config.js';
import { notFound } from '../../platform/errors.js';
import { decideHeldDeposit } from './deposit-review.service.js';
import { listFinanceAlerts } from './finance.repo.js';
import { lastReconciliation, runReconciliation } from './reconciliation.service.js';
import { driverEarnings, platformRevenue } from './reports.service.js';
import { decideWithdrawal, listWithdrawalsFor } from './withdrawals.service.js';
import {
  AdminEarningsQuery,
  DecisionBody,
  DepositSchema,
  EarningsRowSchema,
  FinanceAlertSchema,
  IdParams,
  ListWithdrawalsQuery,
  RangeQuerySchema,
  ReconciliationSchema,
  RevenueRowSchema,
  WithdrawalSchema,
} from './payments.schema.js';

const tags = ['admin'];
const admin = { auth: STAFF_ACCESS.money };
const DecisionParams = IdParams.extend({ decision: z.enum(['approve', 'reject']) });

/** Operations console: withdrawal and deposit review, reconciliation, finance reports. */
export function registerPaymentAdminRoutes(app: HttpApp, deps: PaymentsDeps) {
  const db = deps.db;

  app.get(
    '/api/v1/admin/withdrawals',
    {
      schema: {
        summary: "List every driver's withdrawals",
        tags,
        querystring: ListWithdrawalsQuery,
        response: { 200: envelopeOf(z.array(WithdrawalSchema)) },
      },
      config: { auth: STAFF_ACCESS.money },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listWithdrawalsFor(deps, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.post(
    '/api/v1/admin/withdrawals/:id/:decision',
    {
      schema: {
        summary: 'Approve or reject a withdrawal',
        tags,
        params: DecisionParams,
        body: DecisionBody,
        response: { 200: envelopeOf(WithdrawalSchema) },
      },
      config: { auth: STAFF_ACCESS.money, idempotent: true },
    },
    async (request, reply) => {
      const { id, decision } = request.params;
      return sendOk(
        reply,
        await decideWithdrawal(deps, {
          adminId: currentUser(request).id,
          withdrawalId: id,
          decision,
          note: request.body?.note ?? null,
        }),
      );
    },
  );

  app.post(
    '/api/v1/admin/deposits/:id/:decision',
    {
      schema: {
        summary: 'Approve or reject a held deposit',
        tags,
        params: DecisionParams,
        body: DecisionBody,
        response: { 200: envelopeOf(DepositSchema) },
      },
      config: { auth: STAFF_ACCESS.money, idempotent: true },
    },
    async (request, reply) => {
      const { id, decision } = request.params;
      return sendOk(
        reply,
        await decideHeldDeposit(deps, currentUser(request).id, id, decision, request.body?.note ?? null),
      );
    },
  );

  app.get(
    '/api/v1/admin/reconciliation',
    {
      schema: {
        summary: 'Get the last reconciliation report',
        tags,
        response: { 200: envelopeOf(ReconciliationSchema) },
      },
      config: admin,
    },
    async (_request, reply) => {
      const report = await lastReconciliation(db);
      if (!report) throw notFound('Reconciliation report');
      return sendOk(reply, report);
    },
  );

  app.post(
    '/api/v1/admin/reconciliation/run',
    {
      schema: {
        summary: 'Run the reconciliation checks now',
        tags,
        response: { 200: envelopeOf(ReconciliationSchema) },
      },
      config: admin,
    },
    async (_request, reply) => sendOk(reply, await runReconciliation(deps)),
  );

  app.get(
    '/api/v1/admin/reports/platform-revenue',
    {
      schema: {
        summary: 'Get platform revenue by day',
        tags,
        querystring: RangeQuerySchema,
        response: { 200: envelopeOf(z.array(RevenueRowSchema)) },
      },
      config: admin,
    },
    async (request, reply) => sendOk(reply, await platformRevenue(db, request.query)),
  );

  app.get(
    '/api/v1/admin/reports/driver-earnings',
    {
      schema: {
        summary: "Get a driver's earnings",
        tags,
        querystring: AdminEarningsQuery,
        response: { 200: envelopeOf(z.array(EarningsRowSchema)) },
      },
      config: admin,
    },
    async (request, reply) => sendOk(reply, await driverEarnings(db, request.query)),
  );

  app.get(
    '/api/v1/admin/finance/alerts',
    {
      schema: { summary: 'List finance alerts', tags, response: { 200: envelopeOf(z.array(FinanceAlertSchema)) } },
      config: admin,
    },
    async (_request, reply) => {
      const rows = await listFinanceAlerts(db, 100);
      return sendOk(
        reply,
        rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          subjectId: r.subject_id,
          message: r.message,
          details: r.details,
          createdAt: r.created_at.toISOString(),
        })),
      );
    },
  );
}
