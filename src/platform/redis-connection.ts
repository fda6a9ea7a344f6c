import { Redis, type RedisOptions } from 'ioredis';

/**
 * Where Redis is, in the shapes production uses: one server (`redis://`, TLS with `rediss://`) or a master found
 * through Sentinel (`redis+sentinel://`, `rediss+sentinel://`, or REDIS_SENTINELS + REDIS_MASTER_NAME).
 */
export type RedisTarget =
  | { kind: 'server'; url: string }
  | {
      kind: 'sentinel';
      sentinels: Array<{ host: string; port: number }>;
      masterName: string;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      /** Unset: the caller's `db` option, else 0. */
      db?: number;
      tls: boolean;
    };

export interface RedisTargetInput {
  url?: string;
  sentinels?: string[];
  masterName?: string;
  /** The master's password in the REDIS_SENTINELS form (the URL form carries it in its user info). */
  password?: string;
  /** Only when the sentinels themselves require AUTH (`requirepass` in sentinel.conf). */
  sentinelPassword?: string;
}

/** Sentinel's registered port (redis.io "Redis Sentinel"): a host given without one uses it. */
const DEFAULT_SENTINEL_PORT = 26379;
const SERVER_SCHEMES = ['redis:', 'rediss:'];
const SENTINEL_SCHEME = /^(rediss?)\+sentinel:\/\//;

export class RedisTargetError extends Error {}

function parseHostPort(entry: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry.trim());
  const port = match?.[2] === undefined ? DEFAULT_SENTINEL_PORT : Number(match[2]);
  if (!match || port < 1 || port > 65535) throw new RedisTargetError(`"${entry}" is not host[:port]`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseDb(segment: string | undefined): number | undefined {
  if (segment === undefined || segment === '') return undefined;
  if (!/^\d{1,2}$/.test(segment)) throw new RedisTargetError(`database "${segment}" is not a number`);
  return Number(segment);
}

/** `redis+sentinel://[user:password@]host1[:port],host2[:port]/masterName[/db]` (the password is the master's). */
function parseSentinelUrl(url: string, sentinelPassword: string | undefined): RedisTarget {
  const tls = url.startsWith('rediss+');
  const rest = url.replace(SENTINEL_SCHEME, '');
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const [masterName, db, ...extra] = (slash === -1 ? '' : rest.slice(slash + 1)).split('/');
  if (!masterName || extra.length > 0) throw new RedisTargetError('expected redis+sentinel://hosts/masterName[/db]');
  const at = authority.lastIndexOf('@');
  const [username, password] = at === -1 ? [] : authority.slice(0, at).split(':').map(decodeURIComponent);
  const sentinels = authority
    .slice(at + 1)
    .split(',')
    .map(parseHostPort);
  return {
    kind: 'sentinel',
    sentinels,
    masterName: decodeURIComponent(masterName),
    username: username || undefined,
    password: password || undefined,
    sentinelPassword,
    db: parseDb(db),
    tls,
  };
}

/** Undefined when nothing names a Redis (memory hot state); throws RedisTargetError with a one-line reason. */
export function parseRedisTarget(input: RedisTargetInput): RedisTarget | undefined {
  const { url, sentinels, masterName, password, sentinelPassword } = input;
  if (sentinels && sentinels.length > 0) {
    if (url) throw new RedisTargetError('set either REDIS_URL or REDIS_SENTINELS, not both');
    if (!masterName) throw new RedisTargetError('REDIS_SENTINELS needs REDIS_MASTER_NAME');
    const hosts = sentinels.map(parseHostPort);
    return { kind: 'sentinel', sentinels: hosts, masterName, password, sentinelPassword, tls: false };
  }
  if (!url) return undefined;
  if (SENTINEL_SCHEME.test(url)) return parseSentinelUrl(url, sentinelPassword);
  if (!URL.canParse(url) || !SERVER_SCHEMES.includes(new URL(url).protocol)) {
    throw new RedisTargetError('must be redis://, rediss:// (TLS), redis+sentinel:// or rediss+sentinel://');
  }
  return { kind: 'server', url };
}

/** Host names only, never credentials: safe for logs and health output. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === 'server') return new URL(target.url).host;
  return `sentinel ${target.masterName} via ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
}

/** A client for the target; `options` are the caller's behaviour (retries, pipelining), the target the address. */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): Redis {
  if (target.kind === 'server') return new Redis(target.url, options);
  const tls = target.tls ? {} : undefined;
  return new Redis({
    ...options,
    sentinels: target.sentinels,
    name: target.masterName,
    username: target.username,
    password: target.password,
    sentinelPassword: target.sentinelPassword,
    db: target.db ?? options.db,
    tls,
    enableTLSForSentinelMode: target.tls,
    sentinelTLS: tls,
  });
}
