import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { HttpApp } from '../../platform/http/server.js';
import type { PaymentsDeps } from './payments.deps.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { KASHIER_RETURN_PATH } from '../../shared/kashier-return.js';
import { createDeposit, getOwnDeposit } from './deposits.service.js';
import { handleKashierWebhook } from './kashier-webhook.service.js';
import { driverEarnings } from './reports.service.js';
import { getWithdrawal, listWithdrawalsFor, requestWithdrawal } from './withdrawals.service.js';
import {
  CreatedDepositSchema,
  DepositRequest,
  DepositSchema,
  EarningsQuery,
  EarningsRowSchema,
  IdParams,
  KashierWebhookBody,
  ListWithdrawalsQuery,
  WebhookAck,
  WithdrawalRequest,
  WithdrawalSchema,
} from './payments.schema.js';

const tags = ['wallet'];

const KASHIER_RETURN_PAGE =
  '<!doctype html><meta charset="utf-8"><title>SmartLine payment</title>' +
  '<p>Payment submitted. Return to the SmartLine app: your wallet shows the deposit as soon as Kashier confirms it.</p>';

async function requireSignatureHeader(request: FastifyRequest) {
  const signature = request.headers['x-kashier-signature'];
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/i.test(signature)) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Missing or invalid x-kashier-signature');
  }
}

/** Deposits, withdrawals and earnings of the caller, plus Kashier's webhook. */
export function registerPaymentRoutes(app: HttpApp, deps: PaymentsDeps) {
  const db = deps.db;

  app.post(
    '/api/v1/wallet/deposits',
    {
      schema: {
        summary: 'Start a card deposit',
        tags,
        body: DepositRequest,
        response: { 201: envelopeOf(CreatedDepositSchema) },
      },
      config: { auth: ['rider', 'driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await createDeposit(deps, currentUser(request), request.body.amount), { status: 201 }),
  );

  app.get(
    '/api/v1/wallet/deposits/:id',
    {
      schema: { summary: 'Get a deposit', tags, params: IdParams, response: { 200: envelopeOf(DepositSchema) } },
      config: { auth: ['rider', 'driver'] },
    },
    async (request, reply) => sendOk(reply, await getOwnDeposit(deps, currentUser(request).id, request.params.id)),
  );

  app.post(
    '/api/v1/wallet/withdrawals',
    {
      schema: {
        summary: 'Request a withdrawal',
        tags,
        body: WithdrawalRequest,
        response: { 201: envelopeOf(WithdrawalSchema) },
      },
      config: { auth: ['driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await requestWithdrawal(deps, currentUser(request).id, request.body.amount), { status: 201 }),
  );

  app.get(
    '/api/v1/wallet/withdrawals',
    {
      schema: {
        summary: "List the caller's withdrawals",
        tags,
        querystring: ListWithdrawalsQuery,
        response: { 200: envelopeOf(z.array(WithdrawalSchema)) },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listWithdrawalsFor(deps, {
        driverId: currentUser(request).id,
        ...request.query,
      });
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.get(
    '/api/v1/wallet/withdrawals/:id',
    {
      schema: { summary: 'Get a withdrawal', tags, params: IdParams, response: { 200: envelopeOf(WithdrawalSchema) } },
      config: { auth: ['driver'] },
    },
    async (request, reply) => sendOk(reply, await getWithdrawal(deps, currentUser(request), request.params.id)),
  );

  app.get(
    '/api/v1/wallet/earnings',
    {
      schema: {
        summary: "Get the driver's earnings by period",
        tags,
        querystring: EarningsQuery,
        response: { 200: envelopeOf(z.array(EarningsRowSchema)) },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) =>
      sendOk(reply, await driverEarnings(db, { driverId: currentUser(request).id, ...request.query })),
  );

  // Where Kashier's hosted page sends the payer's browser back (KASHIER_REDIRECT_URL's default). Only a hint: the
  // signed webhook is what credits, so the page never claims the payment succeeded.
  app.get(
    KASHIER_RETURN_PATH,
    { schema: { tags, summary: "Kashier's return page (public, HTML)" }, config: { plain: true } },
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(KASHIER_RETURN_PAGE),
  );

  // Public (Kashier calls it); the signature is the authentication. Default rate limit, keyed by IP.
  // A missing or malformed signature is 401 before the body is even parsed.
  app.post(
    '/api/v1/webhooks/kashier',
    {
      schema: {
        summary: 'Receive a Kashier payment webhook',
        tags: ['webhooks'],
        body: KashierWebhookBody,
        response: { 200: envelopeOf(WebhookAck) },
      },
      onRequest: requireSignatureHeader,
    },
    async (request, reply) => {
      const signature = request.headers['x-kashier-signature'];
      return sendOk(
        reply,
        await handleKashierWebhook(deps, request.body, typeof signature === 'string' ? signature : undefined),
      );
    },
  );
}
