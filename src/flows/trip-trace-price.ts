import { z } from 'zod';
import type { DbHandle } from '../platform/db/database.js';
import { AppError, ErrorCode } from '../platform/errors.js';
import type { AuthUser } from '../platform/http/route-config.js';
import { tripReceipt } from '../modules/payments/index.js';
import { labelItems, type FareItem, type LabelLanguage } from '../modules/pricing/index.js';
import type { TripRow } from '../modules/trips/index.js';

const PriceLine = z.object({ code: z.string(), label: z.string(), amount: z.number().int() });

/** Issue 19.4 "price items": the lines the rider was quoted and, once charged, the receipt's lines. */
export const TracePriceSchema = z.object({
  currency: z.string(),
  quote: z.object({ total: z.number().int(), items: z.array(PriceLine) }),
  /** Null while nothing was charged (the trip is not finished, or was cancelled without a fee). */
  receipt: z.object({ total: z.number().int(), reason: z.string().nullable(), items: z.array(PriceLine) }).nullable(),
});

/** The quote's own lines (migration 0071); a trip requested before them shows its upfront price as one line. */
function quotedLines(trip: TripRow): FareItem[] {
  if (Array.isArray(trip.quoted_items)) return trip.quoted_items as FareItem[];
  return [{ code: 'base', amount: trip.quoted_fare ?? trip.fare_amount }];
}

export async function tracePrice(
  db: DbHandle,
  a: { viewer: AuthUser; trip: TripRow; language: LabelLanguage },
): Promise<z.infer<typeof TracePriceSchema>> {
  const receipt = await tripReceipt(db, { viewer: a.viewer, tripId: a.trip.id, language: a.language }).catch(
    (e: unknown) => {
      if (e instanceof AppError && e.code === ErrorCode.RECEIPT_NOT_AVAILABLE) return null;
      throw e;
    },
  );
  return {
    currency: a.trip.fare_currency,
    quote: { total: a.trip.quoted_fare ?? a.trip.fare_amount, items: labelItems(quotedLines(a.trip), a.language) },
    receipt: receipt && { total: receipt.total, reason: receipt.reason, items: receipt.items },
  };
}
