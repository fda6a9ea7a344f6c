import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { named } from '../../platform/http/openapi.js';
import { TransactionsQuery, WalletSchema, WalletTransactionSchema } from './ledger.schema.js';
import { listWalletTransactions, walletSummary } from './wallet.service.js';

const tags = ['wallet'];

/** Fields another module adds to GET /wallet (payments: the masked payout method), read beside the balance. */
export interface WalletExtension {
  fields: z.ZodRawShape;
  load(db: Db, ownerId: string): Promise<Record<string, unknown>>;
}

/** The caller's own wallet: reads only (money moves through payments and flows). */
export function registerLedgerRoutes(app: HttpApp, db: Db, extension?: WalletExtension) {
  const schema = named('Wallet', extension ? WalletSchema.extend(extension.fields) : WalletSchema);
  app.get(
    '/api/v1/wallet',
    {
      schema: { summary: "Get the caller's wallet", tags, response: { 200: envelopeOf(schema) } },
      config: { auth: ['rider', 'driver'] },
    },
    async (request, reply) => {
      const ownerId = currentUser(request).id;
      const extra = extension ? await extension.load(db, ownerId) : {};
      return sendOk(reply, { ...(await walletSummary(db, ownerId)), ...extra });
    },
  );

  app.get(
    '/api/v1/wallet/transactions',
    {
      schema: {
        summary: "List the caller's wallet transactions",
        tags,
        querystring: TransactionsQuery,
        response: { 200: envelopeOf(z.array(WalletTransactionSchema)) },
      },
      config: { auth: ['rider', 'driver'] },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listWalletTransactions(db, currentUser(request).id, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
}
