import { ErrorCode } from '../../platform/errors.js';
import type { DbHandle } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { labelLanguage } from '../pricing/index.js';
import { TripIdParams } from '../trips/index.js';
import { ReceiptSchema } from './receipt.schema.js';
import { tripReceipt } from './receipt.service.js';

export function registerReceiptRoutes(app: HttpApp, db: DbHandle) {
  app.get(
    '/api/v1/trips/:id/receipt',
    {
      schema: {
        summary: "Get a trip's receipt",
        tags: ['trips', 'wallet'],
        params: TripIdParams,
        response: { 200: envelopeOf(ReceiptSchema) },
      },
      config: { auth: 'any', errors: [ErrorCode.RECEIPT_NOT_AVAILABLE] },
    },
    async (request, reply) => {
      const language = labelLanguage(request.headers['accept-language']);
      const receipt = await tripReceipt(db, { viewer: currentUser(request), tripId: request.params.id, language });
      return sendOk(reply, receipt);
    },
  );
}
