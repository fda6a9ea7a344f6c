import { z } from 'zod';

/**
 * Every environment variable SmartLine reads, with its type, range and
 * default. Only src/config.ts reads process.env and parses it with this.
 */

/** libpq URL forms: host may be empty when a Unix socket directory comes as ?host=. */
function isPostgresUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
}

const flag = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .refine(
      isPostgresUrl,
      'must be a postgres:// or postgresql:// URL (a Unix socket: postgresql:///db?host=/run/postgresql&user=name)',
    )
    .optional(),
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,40}$/)
    .default('public'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  EMBEDDED_PG_DIR: z.string().default('.data/pg'),
  /** Local state of a development install: generated secrets live in <DATA_DIR>/secrets.json (mode 0600). */
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  REDIS_URL: z.string().url().optional(),
  JWT_KEYS: z.string().optional(),
  JWT_ACTIVE_KID: z.string().optional(),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(10).max(86_400).default(900),
  REFRESH_TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 86_400),
  QUOTE_SECRET: z.string().min(32).optional(),
  METRICS_TOKEN: z.string().min(8).optional(),
  ADMIN_PHONE: z.string().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  CORS_ORIGINS: csv.default([]),
  MIN_CLIENT_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/)
    .default('1.0.0'),
  RATE_LIMITS_DISABLED: flag.default(false),
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  MATCHING_DEGRADED: flag.default(false),
  SURGE_DISABLED: flag.default(false),
  LOCATION_HISTORY_DISABLED: flag.default(false),
  ANALYTICS_DISABLED: flag.default(false),
  NOTIFICATIONS_DEGRADED: flag.default(false),
  LEGACY_EVENTS: flag.default(false),
  /**
   * Safety-net re-read of flag overrides; NOTIFY propagates at once, this bounds a missed one (issue 9: every node
   * within 5 s).
   */
  FLAGS_REFRESH_MS: z.coerce.number().int().min(100).max(5_000).default(2_000),
  /** Requests per minute per integrator API key, all routes together (replaces the per-user route limits for keys). */
  API_KEY_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /**
   * Failed bearer tokens / API keys per client IP per minute before that IP gets 429 (shared NATs: keep it generous).
   */
  AUTH_FAILURES_PER_IP_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(60),
  /** Wrong METRICS_TOKEN guesses per client IP per minute before 429. */
  METRICS_AUTH_FAILURES_PER_IP_PER_MIN: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Login attempts per phone before it locks; each further lock within a day doubles, from BASE up to MAX seconds. */
  LOGIN_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_BASE_S: z.coerce.number().int().min(1).max(86_400).default(60),
  LOGIN_LOCKOUT_MAX_S: z.coerce.number().int().min(1).max(86_400).default(3_600),
  // Messaging providers and safety (issue 7). No URL ⇒ recording fake (dev/test only).
  SMTP_URL: z.string().url().optional(),
  EMAIL_FROM: z.string().default('SmartLine <no-reply@smartline.local>'),
  PUSH_URL: z.string().url().optional(),
  PUSH_PROJECT_ID: z.string().default('smartline-dev'),
  PUSH_ACCESS_TOKEN: z.string().optional(),
  SMS_URL: z.string().url().optional(),
  SMS_ACCOUNT_SID: z.string().default('AC-dev'),
  SMS_AUTH_TOKEN: z.string().optional(),
  SMS_FROM: z.string().default('SmartLine'),
  VOICE_URL: z.string().url().optional(),
  ONCALL_PHONE: z.string().optional(),
  ONCALL_EMAIL: z.string().email().optional(),
  ONCALL_PUSH_TOPIC: z
    .string()
    .regex(/^[a-zA-Z0-9-_.~%]{1,900}$/)
    .default('oncall'),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
  BREAKER_RESET_MS: z.coerce.number().int().min(50).default(30_000),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(5),
  BREAKER_ERROR_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(8),
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).default(2_000),
  NOTIFY_RETRY_MAX_MS: z.coerce.number().int().min(10).default(300_000),
  SOS_ESCALATION_MS: z.coerce.number().int().min(50).default(30_000),
  SOS_ESCALATION_REPEAT_MS: z.coerce.number().int().min(50).default(60_000),
  SOS_ESCALATION_MAX: z.coerce.number().int().min(1).default(30),
  SOS_TRACK_INTERVAL_MS: z.coerce.number().int().min(50).default(5_000),
  SOS_TRACK_MAX_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(2 * 3_600_000),
  SAFETY_STOP_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(5 * 60_000),
  SAFETY_ROUTE_DEVIATION_M: z.coerce.number().int().min(50).default(1_000),
  SAFETY_SPEED_LIMIT_KMH: z.coerce.number().int().min(10).default(120),
  SAFETY_START_DEADLINE_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(20 * 60_000),
  SAFETY_EVENT_DEDUPE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
  SHARE_TTL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(24 * 3_600_000),
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
  CHAT_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(30),
  CHAT_BLOCKED_WORDS: csv.default([]),
  /**
   * Socket.IO (API.md "Socket.IO"; seed 000 hardening): per-IP connects per minute, sockets per user, events per socket
   * per 10 s.
   */
  SOCKET_CONNECTS_PER_IP_PER_MIN: z.coerce.number().int().min(1).default(60),
  SOCKET_MAX_PER_USER: z.coerce.number().int().min(1).max(100).default(5),
  SOCKET_EVENTS_PER_10S: z.coerce.number().int().min(1).default(100),
  /** Heartbeat: a dead connection is gone after interval + timeout (≤ 2 min). */
  SOCKET_PING_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(25_000),
  SOCKET_PING_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(20_000),
  /** How long before access-token expiry a socket gets `auth:token_expiring` (API.md: 60 s). */
  SOCKET_TOKEN_WARNING_S: z.coerce.number().int().min(1).default(60),
  /** Last-known positions and history are flushed to Postgres at least this often (issue 4: ≤ 5 s). */
  LOCATION_FLUSH_INTERVAL_MS: z.coerce.number().int().min(50).max(5_000).default(2_000),
  // Bookings and data lifecycle (issue 8).
  BOOKING_REMINDER_LEAD_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  RETENTION_LOCATION_HISTORY_DAYS: z.coerce.number().int().min(1).default(90),
  // API.md promises idempotent replays for 24 h, so keys may not expire sooner.
  RETENTION_IDEMPOTENCY_HOURS: z.coerce.number().int().min(24).default(24),
  RETENTION_READ_NOTIFICATIONS_DAYS: z.coerce.number().int().min(1).default(180),
  EVENTS_ARCHIVE_AFTER_DAYS: z.coerce.number().int().min(1).default(90),
  RETENTION_RUN_HOUR_UTC: z.coerce.number().int().min(0).max(23).default(1),
  BACKUP_DIR: z.string().default('backups'),
  // Where `smartline admin` looks for pg_dump / pg_restore / psql (the process PATH).
  PATH: z.string().default(''),
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
  /** Where Kashier's page sends the payer back (only a UI hint: the webhook is what credits). */
  KASHIER_REDIRECT_URL: z.string().url().default('http://localhost:3000/payments/kashier/return'),
  /** Our public webhook URL, sent as serverWebhook; unset ⇒ the one set in Kashier's dashboard. */
  KASHIER_WEBHOOK_URL: z.string().url().optional(),
  /** Cash commission a driver may owe before the wallet refuses more, piastres (default 500 EGP). */
  DRIVER_CREDIT_LIMIT: z.coerce.number().int().min(0).max(100_000_000).default(50_000),
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
});

export type Env = z.infer<typeof EnvSchema>;

/** Every environment variable SmartLine reads (deployment manifests are checked against it). */
export const CONFIG_KEYS: readonly string[] = Object.keys(EnvSchema.shape);
