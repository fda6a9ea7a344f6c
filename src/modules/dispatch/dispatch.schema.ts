import { named } from '../../platform/http/openapi.js';
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

export const MatchingStatusSchema = named(
  'MatchingStatus',
  z.object({
    status: z.enum(['scheduled', 'searching', 'offers_pending', 'matched', 'no_drivers', 'cancelled']),
    strategy: z.enum(['first_accept', 'broadcast_bid', 'sequential', 'scheduled']),
    round: z.number().int(),
    /** Drivers offered this trip so far, over all rounds. */
    offeredDrivers: z.number().int(),
    /** When the current round's offers close (null unless searching). */
    expiresAt: z.string().nullable(),
    /** broadcast_bid only: open bids, cheapest first (not shown to drivers). */
    bids: z.array(BidSchema).optional(),
  }),
);

const PlaceSchema = z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() });

/** An offer as the driver sees it: socket `trip:offer`, the push's data and GET /drivers/me/offers. */
export const DriverOfferSchema = z.object({
  tripId: z.uuid(),
  pickup: PlaceSchema,
  dropoff: PlaceSchema,
  /** The driver's distance to pickup when offered (metres; null for offers made before it was recorded). */
  distanceToPickupM: z.number().int().nullable(),
  /** The trip's quoted route (null when the quote had no route). */
  tripDistanceM: z.number().int().nullable(),
  durationS: z.number().int().nullable(),
  fareEstimate: z.object({ amount: z.number().int(), currency: z.string() }),
  expiresAt: z.string(),
  strategy: z.enum(['first_accept', 'broadcast_bid', 'sequential', 'scheduled']),
  round: z.number().int(),
});

const ChannelDeliverySchema = z.object({
  status: z.enum(['pending', 'sent', 'failed', 'skipped']),
  attempts: z.number().int(),
  lastError: z.string().optional(),
  sentAt: z.string().nullable(),
});

/** Admin view of one offer and how it reached the driver, per channel. */
export const AdminOfferSchema = z.object({
  driverId: z.uuid(),
  round: z.number().int(),
  status: z.enum(['pending', 'accepted', 'declined', 'expired', 'withdrawn']),
  expiresAt: z.string(),
  distanceToPickupM: z.number().int().nullable(),
  /** The dispatch score the round ranked the driver with (about -0.1..1); null when ranked by distance alone. */
  score: z.number().nullable(),
  offeredAt: z.string(),
  /** When the driver accepted or declined (or the offer was closed); null while pending. */
  answeredAt: z.string().nullable(),
  /** Socket: acknowledged by the app (`trip:offer_seen`) or not. */
  socket: z.object({ seenAt: z.string().nullable() }),
  /** One entry per device push: the offer and, once closed, the "withdrawn" replacing it. */
  push: z.array(ChannelDeliverySchema.extend({ kind: z.enum(['offer', 'withdrawn']), channel: z.string() })),
});

export const OfferSeenEvent = z.object({ tripId: z.uuid() });
