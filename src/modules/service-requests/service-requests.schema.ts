import { z } from 'zod';
import { GeoLatitude, ServiceTypeSchema } from '../../shared/index.js';
import { safeName, safeText } from '../../platform/text.js';
import { SERVICE_STATUSES } from './service-requests.repo.js';

export const ServiceStatusSchema = z.enum(SERVICE_STATUSES);

const ServicePlace = z
  .object({ lat: GeoLatitude, lng: z.number().min(-180).max(180), address: safeText({ max: 500 }).optional() })
  .refine((p) => !(p.lat === 0 && p.lng === 0), { message: '(0,0) is not a valid position' });

// docs/api.md "Service requests": a tow needs somewhere to take the vehicle; nothing else moves it.
const towNeedsDestination = (req: { serviceType: string; destination?: unknown }, ctx: z.RefinementCtx) => {
  if (req.serviceType === 'tow' && !req.destination)
    ctx.addIssue({ code: 'custom', path: ['destination'], message: 'a tow needs a destination' });
  if (req.serviceType !== 'tow' && req.destination)
    ctx.addIssue({ code: 'custom', path: ['destination'], message: 'only a tow takes a destination' });
};

export const ServiceEstimateRequest = z
  .object({ serviceType: ServiceTypeSchema, location: ServicePlace, destination: ServicePlace.optional() })
  .superRefine(towNeedsDestination);

export const CreateServiceRequest = z
  .object({
    serviceType: ServiceTypeSchema,
    location: ServicePlace,
    vehicle: z.object({ make: safeName(60), model: safeName(60), plate: safeName(20).optional() }),
    description: safeText({ max: 1000, multiline: true }).optional(),
    destination: ServicePlace.optional(),
    paymentMethod: z.enum(['cash', 'wallet', 'card']),
  })
  .superRefine(towNeedsDestination);
export type CreateServiceRequest = z.infer<typeof CreateServiceRequest>;

const PriceItem = z.object({ code: z.enum(['call_out', 'tow_distance']), amount: z.number().int() });

export const ServiceEstimateSchema = z.object({
  serviceType: ServiceTypeSchema,
  tariffVersion: z.number().int(),
  towDistanceM: z.number().int().nullable(),
  items: z.array(PriceItem),
  total: z.number().int(),
  currency: z.literal('EGP'),
});

const Place = z.object({ lat: z.number(), lng: z.number(), address: z.string().nullable() });

export const QuoteSchema = z.object({
  revision: z.number().int(),
  items: z.array(
    z.object({
      kind: z.enum(['labour', 'part']),
      label: z.string(),
      qty: z.number().int(),
      unitAmount: z.number().int(),
      amount: z.number().int(),
    }),
  ),
  total: z.number().int(),
  currency: z.literal('EGP'),
  status: z.enum(['pending', 'approved', 'declined', 'superseded']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});

export const ServiceRequestSchema = z.object({
  id: z.uuid(),
  status: ServiceStatusSchema,
  serviceType: ServiceTypeSchema,
  customerId: z.uuid(),
  providerId: z.uuid().nullable(),
  location: Place,
  destination: Place.nullable(),
  vehicle: z.object({ make: z.string(), model: z.string(), plate: z.string().optional() }),
  description: z.string().nullable(),
  paymentMethod: z.enum(['cash', 'wallet', 'card']),
  estimate: ServiceEstimateSchema.omit({ serviceType: true }),
  /** The newest revision of the work quote, null before the provider posts one. */
  quote: QuoteSchema.nullable(),
  /** Only in the customer's view: they read it out to the provider at completion (like the ride OTP). */
  completionCode: z.string().optional(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ServiceRequestIdParams = z.object({ id: z.uuid() });

export const ListServiceRequestsQuery = z.object({
  status: ServiceStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** Moves made through POST …/status; `assigned`, `quoted` and `declined_quote` have their own routes. */
export const MoveServiceRequest = z.object({
  status: z.enum(['en_route', 'arrived', 'in_progress', 'completed', 'cancelled']),
  reason: safeText({ max: 500 }).optional(),
  /** With `completed`: the customer's completion code, when they did not sign (issue 18 #5). */
  code: z
    .string()
    .regex(/^[0-9]{4}$/, 'must be the 4-digit completion code')
    .optional(),
});

// A roadside job's quote: at most 50 lines, each ≤ 50,000 EGP a unit and ≤ 100 units, the whole ≤ 100,000 EGP.
const MAX_QUOTE_ITEMS = 50;
const MAX_UNIT_AMOUNT = 5_000_000;
const MAX_QUOTE_TOTAL = 10_000_000;

export const PostQuoteRequest = z.object({
  items: z
    .array(
      z.object({
        kind: z.enum(['labour', 'part']),
        label: safeName(120),
        qty: z.number().int().min(1).max(100),
        unitAmount: z.number().int().min(0).max(MAX_UNIT_AMOUNT),
      }),
    )
    .min(1)
    .max(MAX_QUOTE_ITEMS)
    .refine((items) => items.reduce((sum, i) => sum + i.qty * i.unitAmount, 0) <= MAX_QUOTE_TOTAL, {
      message: `the quote may total at most ${MAX_QUOTE_TOTAL} piastres`,
    }),
});

export const QuoteDecisionRequest = z.object({ revision: z.number().int().min(1) });

/** The provider's answer to a `request:offer` (issue 18 #2). */
export const ServiceOfferResponse = z.object({ action: z.enum(['accept', 'decline']) });
/** One proof of service with short-lived signed URLs (issue 18 #5). */
export const ServiceProofSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['photo', 'signature']),
  url: z.string(),
  thumbnailUrl: z.string(),
  createdAt: z.string(),
});

/** A settled request's receipt (issue 18 #6); commission and provider share are not shown to the customer. */
export const ServiceReceiptSchema = z.object({
  requestId: z.uuid(),
  status: z.string(),
  method: z.enum(['wallet', 'cash', 'card']),
  /** `pending`: a card request the customer has not paid yet (pay at `payment.paymentUrl`). */
  outcome: z.enum(['paid', 'payment_failed', 'pending']),
  items: z.array(
    z.object({
      code: z.enum(['call_out', 'tow_distance', 'labour', 'part']),
      label: z.string().optional(),
      qty: z.number().int().optional(),
      unitAmount: z.number().int().optional(),
      amount: z.number().int(),
    }),
  ),
  total: z.number().int(),
  currency: z.literal('EGP'),
  tariffVersion: z.number().int(),
  commission: z.number().int().optional(),
  providerShare: z.number().int().optional(),
  settledAt: z.string(),
  /** A card request's Kashier payment (`paymentUrl` while it is pending); null for cash and wallet. */
  payment: z.object({ status: z.enum(['pending', 'paid', 'failed']), paymentUrl: z.string().nullable() }).nullable(),
  /** The money that moved for it, as on a trip receipt: payments by ledger kind (`cash` when collected in cash). */
  payments: z.array(z.object({ kind: z.string(), amount: z.number().int(), at: z.string() })),
  tip: z.number().int().nullable(),
  refunds: z.array(z.object({ id: z.string(), amount: z.number().int(), status: z.string(), at: z.string() })),
});
