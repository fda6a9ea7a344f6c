import { z } from 'zod';

export const TripIdParams = z.object({ id: z.uuid() });
/** `bidId` is the bidding driver's id: an offer is unique per (trip, driver). */
export const BidParams = z.object({ id: z.uuid(), bidId: z.uuid() });

export const BidSchema = z.object({
  bidId: z.uuid(),
  driverId: z.uuid(),
  amount: z.number().int(),
  currency: z.string(),
  expiresAt: z.string(),
  driver: z.object({ id: z.uuid(), name: z.string(), vehicle: z.unknown(), rating: z.number() }).nullable(),
});

export const MatchingStatusSchema = z.object({
  status: z.enum(['scheduled', 'searching', 'offers_pending', 'matched', 'no_drivers', 'cancelled']),
  strategy: z.enum(['first_accept', 'broadcast_bid', 'sequential', 'scheduled']),
  round: z.number().int(),
  /** Drivers offered this trip so far, over all rounds. */
  offeredDrivers: z.number().int(),
  /** When the current round's offers close (null unless searching). */
  expiresAt: z.string().nullable(),
  /** broadcast_bid only: open bids, cheapest first (not shown to drivers). */
  bids: z.array(BidSchema).optional(),
});
