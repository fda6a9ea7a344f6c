import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CONFIG_KEYS, EnvSchema, type Env } from './config.schema.js';
import { KASHIER_RETURN_PATH } from './shared/kashier-return.js';
import { parseRedisTarget, RedisTargetError, type RedisTarget } from './platform/redis-connection.js';

export { CONFIG_KEYS, type Env };

/**
 * The ONLY place that reads process.env. Parsed once at start; every problem is
 * reported on its own line so an operator can fix them all in one go.
 */
/** Not a secret: only names the sandbox merchant in order links. */
const DEV_KASHIER_MERCHANT_ID = 'MID-dev-0000';
/**
 * Secrets earlier versions used as constant development defaults. They are in
 * the public repository, so anyone could sign tokens, quotes or deposit
 * webhooks with them: refused in every environment, even when set explicitly.
 */
const PUBLISHED_DEV_SECRETS: ReadonlySet<string> = new Set([
  'dev-only-jwt-secret-change-me-0123456789abcdef',
  'dev-only-quote-secret-change-me-0123456789',
  'dev-metrics-token',
  'dev-only-kashier-api-key-change-me',
]);
/** Secrets a non-production start may invent when unset (kept across restarts by src/dev-secrets.ts). */
export const DEV_SECRET_NAMES = ['JWT_KEYS', 'QUOTE_SECRET', 'METRICS_TOKEN', 'KASHIER_API_KEY'] as const;
export type DevSecretName = (typeof DEV_SECRET_NAMES)[number];
/** kid of a generated development JWT key. */
export const DEV_JWT_KID = 'dev-local';

export interface JwtKey {
  kid: string;
  secret: string;
}

export interface Config extends Omit<
  Env,
  | 'JWT_KEYS'
  | 'JWT_ACTIVE_KID'
  | 'QUOTE_SECRET'
  | 'METRICS_TOKEN'
  | 'KASHIER_MERCHANT_ID'
  | 'KASHIER_API_KEY'
  | 'KASHIER_API_KEY_PREVIOUS'
  | 'REDIS_PASSWORD'
  | 'REDIS_SENTINEL_PASSWORD'
  | 'KASHIER_REDIRECT_URL'
  | 'NODE_ID'
> {
  /** Unset in the environment ⇒ `<hostname>-<pid>` (a container's hostname is its replica's id). */
  NODE_ID: string;
  /** Unset in the environment ⇒ our own return page under PUBLIC_BASE_URL. */
  KASHIER_REDIRECT_URL: string;
  isProduction: boolean;
  jwtKeys: JwtKey[];
  jwtActiveKid: string;
  quoteSecret: string;
  metricsToken: string;
  kashierMerchantId: string;
  /** Current key first (signs order hashes); all of them verify webhooks during a rotation. */
  kashierApiKeys: string[];
  /** Secrets that were unset and got a fresh random value (never outside development/test). */
  generatedSecrets: DevSecretName[];
  /** REDIS_URL or REDIS_SENTINELS resolved; undefined ⇒ in-memory hot state (single node). */
  redis: RedisTarget | undefined;
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
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
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

/** A fresh 256-bit value; a development start without the secret gets one instead of a constant. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

function resolveSecrets(env: Env, problems: string[]) {
  const prod = env.NODE_ENV === 'production';
  const generatedSecrets: DevSecretName[] = [];
  const refusePublished = (name: string, values: string[]) => {
    if (values.some((v) => PUBLISHED_DEV_SECRETS.has(v)))
      problems.push(`${name}: a development default published in the repository is refused; set a random value`);
  };
  const need = (name: DevSecretName, value: string | undefined): string => {
    if (value) {
      refusePublished(name, [value]);
      return value;
    }
    if (prod) problems.push(`${name}: required when NODE_ENV=production (no dev default)`);
    generatedSecrets.push(name);
    return randomSecret();
  };
  let jwtKeys = parseJwtKeys(env.JWT_KEYS, problems);
  refusePublished(
    'JWT_KEYS',
    jwtKeys.map((k) => k.secret),
  );
  if (jwtKeys.length === 0) jwtKeys = [{ kid: DEV_JWT_KID, secret: need('JWT_KEYS', undefined) }];
  const jwtActiveKid = env.JWT_ACTIVE_KID ?? jwtKeys[jwtKeys.length - 1]!.kid;
  if (!jwtKeys.some((k) => k.kid === jwtActiveKid)) {
    problems.push(`JWT_ACTIVE_KID: "${jwtActiveKid}" is not one of the kids in JWT_KEYS`);
  }
  if (prod && (!env.KASHIER_MERCHANT_ID || env.KASHIER_MERCHANT_ID === DEV_KASHIER_MERCHANT_ID)) {
    problems.push('KASHIER_MERCHANT_ID: required when NODE_ENV=production (the sandbox default is refused)');
  }
  if (env.KASHIER_API_KEY_PREVIOUS) refusePublished('KASHIER_API_KEY_PREVIOUS', [env.KASHIER_API_KEY_PREVIOUS]);
  return {
    jwtKeys,
    jwtActiveKid,
    quoteSecret: need('QUOTE_SECRET', env.QUOTE_SECRET),
    metricsToken: need('METRICS_TOKEN', env.METRICS_TOKEN),
    kashierMerchantId: env.KASHIER_MERCHANT_ID ?? DEV_KASHIER_MERCHANT_ID,
    kashierApiKeys: [
      need('KASHIER_API_KEY', env.KASHIER_API_KEY),
      ...(env.KASHIER_API_KEY_PREVIOUS ? [env.KASHIER_API_KEY_PREVIOUS] : []),
    ],
    generatedSecrets,
  };
}

function resolveRedis(env: Env, problems: string[]): RedisTarget | undefined {
  try {
    return parseRedisTarget({
      url: env.REDIS_URL,
      sentinels: env.REDIS_SENTINELS,
      masterName: env.REDIS_MASTER_NAME,
      password: env.REDIS_PASSWORD,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
    });
  } catch (err) {
    if (!(err instanceof RedisTargetError)) throw err;
    problems.push(`${env.REDIS_SENTINELS ? 'REDIS_SENTINELS' : 'REDIS_URL'}: ${err.message}`);
    return undefined;
  }
}

export function parseConfig(source: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  const secrets = resolveSecrets(env, problems);
  const redis = resolveRedis(env, problems);
  if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
    problems.push('DATABASE_URL: required when NODE_ENV=production (embedded Postgres is for development)');
  }
  if (env.NODE_ENV === 'production' && env.LOG_PRETTY === 'true') {
    problems.push('LOG_PRETTY: production logs are JSON lines (pino-pretty is a dev dependency, not installed there)');
  }
  if (env.NODE_ENV === 'production') {
    // Recording fakes would swallow SOS messages: real providers are mandatory in production.
    for (const key of ['SMTP_URL', 'PUSH_URL', 'SMS_URL', 'ONCALL_PHONE'] as const) {
      if (!env[key])
        problems.push(`${key}: required when NODE_ENV=production (SOS and notifications need a real provider)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const {
    JWT_KEYS: _k,
    JWT_ACTIVE_KID: _a,
    QUOTE_SECRET: _q,
    METRICS_TOKEN: _m,
    KASHIER_MERCHANT_ID: _km,
    KASHIER_API_KEY: _kk,
    KASHIER_API_KEY_PREVIOUS: _kp,
    REDIS_PASSWORD: _rp,
    REDIS_SENTINEL_PASSWORD: _rsp,
    ...rest
  } = env;
  const kashierRedirectUrl = env.KASHIER_REDIRECT_URL ?? new URL(KASHIER_RETURN_PATH, env.PUBLIC_BASE_URL).href;
  return {
    ...rest,
    ...secrets,
    redis,
    KASHIER_REDIRECT_URL: kashierRedirectUrl,
    NODE_ID: env.NODE_ID ?? `${hostname()}-${process.pid}`,
    isProduction: env.NODE_ENV === 'production',
  };
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
