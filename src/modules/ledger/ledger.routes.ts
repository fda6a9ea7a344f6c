import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { TransactionsQuery, WalletSchema, WalletTransactionSchema } from './ledger.schema.js';
import { listWalletTransactions, walletSummary } from './wallet.service.js';

const tags = ['wallet'];

/** The caller's own wallet: reads only (money moves through payments and flows). */
export function registerLedgerRoutes(app: HttpApp, db: Db) {
  app.get(
    '/api/v1/wallet',
    { schema: { tags, response: { 200: envelopeOf(WalletSchema) } }, config: { auth: ['rider', 'driver'] } },
    async (request, reply) => sendOk(reply, await walletSummary(db, currentUser(request).id)),
  );

  app.get(
    '/api/v1/wallet/transactions',
    {
      schema: { tags, querystring: TransactionsQuery, response: { 200: envelopeOf(z.array(WalletTransactionSchema)) } },
      config: { auth: ['rider', 'driver'] },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listWalletTransactions(db, currentUser(request).id, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
}
