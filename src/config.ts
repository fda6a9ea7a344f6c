import { z } from 'zod';

/**
 * The ONLY place that reads process.env. Parsed once at start; every problem is
 * reported on its own line so an operator can fix them all in one go.
 */
const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';
const DEV_QUOTE_SECRET = 'dev-only-quote-secret-change-me-0123456789';
const DEV_METRICS_TOKEN = 'dev-metrics-token';

const flag = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

const csv = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().optional(),
  DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,40}$/).default('public'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  EMBEDDED_PG_DIR: z.string().default('.data/pg'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  REDIS_URL: z.string().url().optional(),
  JWT_KEYS: z.string().optional(),
  JWT_ACTIVE_KID: z.string().optional(),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(10).max(86_400).default(900),
  REFRESH_TOKEN_TTL_S: z.coerce.number().int().min(60).default(30 * 86_400),
  QUOTE_SECRET: z.string().min(32).optional(),
  METRICS_TOKEN: z.string().min(8).optional(),
  ADMIN_PHONE: z.string().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  CORS_ORIGINS: csv.default([]),
  MIN_CLIENT_VERSION: z.string().regex(/^\d+\.\d+\.\d+$/).default('1.0.0'),
  RATE_LIMITS_DISABLED: flag.default(false),
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  MATCHING_DEGRADED: flag.default(false),
  SURGE_DISABLED: flag.default(false),
  LOCATION_HISTORY_DISABLED: flag.default(false),
  ANALYTICS_DISABLED: flag.default(false),
  NOTIFICATIONS_DEGRADED: flag.default(false),
  LEGACY_EVENTS: flag.default(false),
});

export type Env = z.infer<typeof EnvSchema>;

export interface JwtKey {
  kid: string;
  secret: string;
}

export interface Config extends Omit<Env, 'JWT_KEYS' | 'JWT_ACTIVE_KID' | 'QUOTE_SECRET' | 'METRICS_TOKEN'> {
  isProduction: boolean;
  jwtKeys: JwtKey[];
  jwtActiveKid: string;
  quoteSecret: string;
  metricsToken: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** JWT_KEYS is "kid1:secret1,kid2:secret2"; the active kid signs, all verify. */
function parseJwtKeys(raw: string | undefined, problems: string[]): JwtKey[] {
  if (!raw) return [];
  const keys: JwtKey[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const idx = part.indexOf(':');
    const kid = part.slice(0, idx);
    const secret = part.slice(idx + 1);
    if (idx <= 0 || secret.length < 32) {
      problems.push('JWT_KEYS: each entry must be "kid:secret" with a secret of at least 32 characters');
      continue;
    }
    keys.push({ kid, secret });
  }
  return keys;
}

function resolveSecrets(env: Env, problems: string[]) {
  const prod = env.NODE_ENV === 'production';
  const need = (name: string, value: string | undefined, dev: string): string => {
    if (value) return value;
    if (prod) problems.push(`${name}: required when NODE_ENV=production (no dev default)`);
    return dev;
  };
  let jwtKeys = parseJwtKeys(env.JWT_KEYS, problems);
  if (jwtKeys.length === 0) {
    need('JWT_KEYS', undefined, '');
    jwtKeys = [{ kid: 'dev-1', secret: DEV_JWT_SECRET }];
  }
  const jwtActiveKid = env.JWT_ACTIVE_KID ?? jwtKeys[jwtKeys.length - 1]!.kid;
  if (!jwtKeys.some((k) => k.kid === jwtActiveKid)) {
    problems.push(`JWT_ACTIVE_KID: "${jwtActiveKid}" is not one of the kids in JWT_KEYS`);
  }
  return {
    jwtKeys,
    jwtActiveKid,
    quoteSecret: need('QUOTE_SECRET', env.QUOTE_SECRET, DEV_QUOTE_SECRET),
    metricsToken: need('METRICS_TOKEN', env.METRICS_TOKEN, DEV_METRICS_TOKEN),
  };
}

export function parseConfig(source: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  const secrets = resolveSecrets(env, problems);
  if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
    problems.push('DATABASE_URL: required when NODE_ENV=production (embedded Postgres is for development)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const { JWT_KEYS: _k, JWT_ACTIVE_KID: _a, QUOTE_SECRET: _q, METRICS_TOKEN: _m, ...rest } = env;
  return { ...rest, ...secrets, isProduction: env.NODE_ENV === 'production' };
}

let cached: Config | undefined;

/** The process-wide config, parsed from process.env on first use. */
export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  if (!cached || Object.keys(overrides).length > 0) {
    const merged = { ...process.env, ...overrides };
    const config = parseConfig(merged);
    if (Object.keys(overrides).length > 0) return config;
    cached = config;
  }
  return cached;
}
