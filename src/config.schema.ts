import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { csv, flag } from './config.fields.js';
import { dispatchPaymentsAndTracingEnv } from './config.dispatch-payments.js';

/**
 * Every environment variable SmartLine reads, with its type, range and
 * default (the dispatch, payments and tracing keys in
 * config.dispatch-payments.ts). Only src/config.ts reads process.env and
 * parses it with this.
 */

/** libpq URL forms: host may be empty when a Unix socket directory comes as ?host=. */
function isPostgresUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
}

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** This process's name in GET /health/live (which node answered behind a load balancer); default hostname-pid. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Issue 21.3: human-readable log lines (pino-pretty, a dev dependency) for a person at a terminal. `auto` = when
   * stdout is a TTY and NODE_ENV is not production; `true` = always outside production; `false` = JSON lines.
   */
  LOG_PRETTY: z.enum(['auto', 'true', 'false']).default('auto'),
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
  /** Connections reserved for safety-critical writes (SOS): never taken by other traffic (issue 25). */
  DB_SAFETY_POOL_SIZE: z.coerce.number().int().min(1).max(20).default(2),
  /** Issue 21: Postgres cancels an API node's statement after this (statement_timeout); 0 = never. */
  DB_STATEMENT_TIMEOUT_API_MS: z.coerce.number().int().min(0).default(10_000),
  /** Same for job workers (reports, retention and archival batches run longer); role `all` uses this one. */
  DB_STATEMENT_TIMEOUT_WORKER_MS: z.coerce.number().int().min(0).default(120_000),
  /** Statements slower than this are logged as `slow query` with a name, never their parameters; 0 = off. */
  DB_SLOW_QUERY_MS: z.coerce.number().int().min(0).default(500),
  // Overload protection (issue 21, @fastify/under-pressure). A threshold of 0 switches that check off.
  /** Event-loop delay (mean over a sample) above which the node answers 503 + Retry-After. */
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1_000),
  /** Heap used, as a share of V8's heap limit, above which the node answers 503. */
  OVERLOAD_MAX_HEAP_RATIO: z.coerce.number().min(0).max(1).default(0.9),
  /** Age of the oldest request waiting for a database connection above which the node answers 503. */
  OVERLOAD_MAX_POOL_WAIT_MS: z.coerce.number().int().min(0).default(1_000),
  /** How often the node samples its load (under-pressure's sampleInterval and health-check interval). */
  OVERLOAD_SAMPLE_MS: z.coerce.number().int().min(10).max(10_000).default(500),
  /** Retry-After (seconds) on an overload 503. */
  OVERLOAD_RETRY_AFTER_S: z.coerce.number().int().min(1).max(300).default(5),
  EMBEDDED_PG_DIR: z.string().default('.data/pg'),
  /** Local state of a development install: generated secrets live in <DATA_DIR>/secrets.json (mode 0600). */
  DATA_DIR: z.string().default('.data'),
  // Object storage for proof-of-service photos (issue 18 #5): local disk unless S3_BUCKET and S3_ENDPOINT are set.
  OBJECTS_DIR: z.string().default('.data/objects'),
  /** How long a signed proof URL (local route or S3 presigned GET) stays valid. */
  OBJECT_URL_TTL_S: z.coerce.number().int().min(10).max(3600).default(300),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  /** S3-compatible endpoint (MinIO, R2, AWS); path-style addressing. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  /** redis://, rediss:// (TLS), redis+sentinel://h1:26379,h2:26379/master[/db] (checked in config.ts). */
  REDIS_URL: z.string().min(1).optional(),
  /** Sentinel without a URL: host:port list plus the master's name (and REDIS_PASSWORD when it has one). */
  REDIS_SENTINELS: csv.optional(),
  REDIS_MASTER_NAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** Only when the sentinels themselves require AUTH. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
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
  /** ISO 3166 country a number without +country code is read in (01001234567 with EG); E.164 numbers need none. */
  PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166 country code such as EG')
    .refine(isSupportedCountry, 'not a country with a known numbering plan')
    .default('EG'),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  CORS_ORIGINS: csv.default([]),
  MIN_CLIENT_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/)
    .default('1.0.0'),
  RATE_LIMITS_DISABLED: flag.default(false),
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * The nice level a `smartline worker` process gives itself: on a machine it
   * shares with API nodes, requests get the CPU before background jobs
   * (bench:webhooks). 0 keeps the default priority. `smartline all` never
   * lowers itself: its requests and jobs share one process.
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
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
  // Outbound webhooks (issue 20). `auto` = the production URL rules exactly when NODE_ENV=production.
  WEBHOOK_URL_POLICY: z.enum(['auto', 'production', 'development']).default('auto'),
  /** One delivery attempt, connect to last byte (issue 20: 10 s). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(5_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(10).default(3_600_000),
  /** An event undelivered this long is given up; an endpoint failing this long is disabled (issue 20: 24 h). */
  WEBHOOK_GIVE_UP_MS: z.coerce.number().int().min(1_000).default(86_400_000),
  /** How often deliveries a dead worker held (or a re-enabled endpoint's) are picked up again. */
  WEBHOOK_SWEEP_MS: z.coerce.number().int().min(100).default(30_000),
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
  /** Issue 16 point 3: fixes reporting a worse accuracy (metres) are dropped. */
  GPS_MAX_ACCURACY_M: z.coerce.number().positive().max(100_000).default(100),
  /** Implied speed from the last accepted fix above this is an impossible jump (issue 16: 250 km/h; sim scales it). */
  GPS_MAX_SPEED_KMH: z.coerce.number().positive().max(100_000).default(250),
  /** Impossible jumps and mock-location reports within an hour that flag a driver out of dispatch. */
  FRAUD_FLAG_AFTER: z.coerce.number().int().min(1).max(1_000).default(5),
  /** Issue 17.3: a booked ride's reminder reaches the rider this long before pickup. */
  TRIP_REMINDER_LEAD_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
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
  /**
   * Issue 21: crontab line (UTC, 5 fields) of the scheduled backup run by a worker, e.g. `0 3 * * *`; unset = off.
   * Each run is verified (restored into a scratch database) before older copies are pruned.
   */
  BACKUP_CRON: z
    .string()
    .regex(/^\S+( \S+){4}$/, 'must be 5 cron fields (minute hour day month weekday), e.g. "0 3 * * *"')
    .optional(),
  /** Verified scheduled backups kept in BACKUP_DIR; older ones are deleted after a run verifies. */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  // Where `smartline admin` looks for pg_dump / pg_restore / psql (the process PATH).
  PATH: z.string().default(''),
  ...dispatchPaymentsAndTracingEnv,
});

export type Env = z.infer<typeof EnvSchema>;

/** Every environment variable SmartLine reads (deployment manifests are checked against it). */
export const CONFIG_KEYS: readonly string[] = Object.keys(EnvSchema.shape);
