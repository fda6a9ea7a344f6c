import { z } from 'zod';
import { flag } from './config.fields.js';

/** The config schema's dispatch, pricing, payments, console and tracing keys (merged in config.schema.ts). */
export const dispatchPaymentsAndTracingEnv = {
  // Pricing and dispatch (issue 5).
  /** OSRM-compatible router (`/route/v1/driving/…`); unset ⇒ straight line × 1.3 at 25 km/h. */
  ROUTE_PROVIDER_URL: z.string().url().optional(),
  ROUTE_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1_500),
  /** How long a node may price with tariffs it read earlier (admin writes invalidate at once on their node). */
  PRICING_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** Scales every dispatch round length (tests and the simulator shrink time; 1 = the real 15 s / 30 s / 10 s). */
  DISPATCH_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
  /** Run the first offer round right after the request commits (the enqueued job is the durable fallback). */
  DISPATCH_INLINE_FIRST_ROUND: flag.default(true),
  /** Batched assignment: collect first rounds for a short window and solve them together ('off' = one by one). */
  DISPATCH_BATCH_MODE: z.enum(['off', 'greedy', 'munkres']).default('off'),
  DISPATCH_BATCH_WINDOW_MS: z.coerce.number().int().min(10).max(10_000).default(1_000),
  /** Issue 16: an accepted driver who sends no position for this long before pickup loses the trip to another. */
  REASSIGN_SILENCE_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(3 * 60_000),
  /** Issue 16: a scheduled trip is offered to drivers this long before pickup. */
  SCHEDULED_OFFER_LEAD_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(30 * 60_000),
  /** Issue 16: the reserving driver confirms by this long before pickup (window opens twice as early), else backup. */
  SCHEDULED_CONFIRM_LEAD_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(10 * 60_000),
  /** How long after pickup a scheduled trip holds its driver (two holds of one driver may not overlap). */
  SCHEDULED_HOLD_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(60 * 60_000),
  // Wallet and payments (issue 6). Kashier's merchant id and API key have dev defaults refused in production.
  KASHIER_MERCHANT_ID: z.string().min(1).optional(),
  KASHIER_API_KEY: z.string().min(16).optional(),
  /** The key being rotated out: webhooks signed with it are still accepted until it is removed. */
  KASHIER_API_KEY_PREVIOUS: z.string().min(16).optional(),
  /** End of the rotation grace window (ISO 8601): from then on the previous key is refused even if still set. */
  KASHIER_PREVIOUS_KEY_UNTIL: z.iso
    .datetime({ offset: true })
    .transform((v) => new Date(v))
    .optional(),
  KASHIER_MODE: z.enum(['test', 'live']).default('test'),
  KASHIER_CHECKOUT_URL: z.string().url().default('https://checkout.kashier.io'),
  /** Where Kashier's page sends the payer back (only a UI hint: the webhook is what credits); unset ⇒ our page. */
  KASHIER_REDIRECT_URL: z.string().url().optional(),
  /** Our public webhook URL, sent as serverWebhook; unset ⇒ the one set in Kashier's dashboard. */
  KASHIER_WEBHOOK_URL: z.string().url().optional(),
  /** Kashier's server API (card refunds), called behind the `kashier` breaker with PROVIDER_TIMEOUT_MS. */
  KASHIER_API_URL: z.string().url().default('https://test-api.kashier.io'),
  /** Cash commission a driver may owe before the wallet refuses more, piastres (default 500 EGP). */
  DRIVER_CREDIT_LIMIT: z.coerce.number().int().min(0).max(100_000_000).default(50_000),
  /** Largest refund a `support` staff member may issue per request, piastres (default 200 EGP); finance: none. */
  SUPPORT_REFUND_LIMIT: z.coerce.number().int().min(0).max(100_000_000).default(20_000),
  /**
   * The console map's tile URL template (Leaflet `{z}/{x}/{y}`); empty = no basemap (markers still drawn, works
   * offline). The default is OpenStreetMap's standard tiles, shown with their attribution.
   */
  CONSOLE_TILE_URL: z.string().default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  // Tracing (issue 9). Off unless enabled or an OTLP endpoint is set: then no SDK and no module hooks load.
  /**
   * Unset: on exactly when OTEL_EXPORTER_OTLP_ENDPOINT is set. `true` without an endpoint: trace ids in logs and jobs,
   * nothing exported.
   */
  TRACING_ENABLED: flag.optional(),
  /**
   * OTLP/HTTP (protobuf) collector base URL; spans go to <url>/v1/traces. Other OTEL_EXPORTER_OTLP_* (headers…) are
   * read by the exporter.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('smartline'),
  /** Share of new traces kept (a parent's decision is always followed). */
  TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
};
