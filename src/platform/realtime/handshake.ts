import { BlockList, isIP } from 'node:net';
import type { Socket } from 'socket.io';
import { isDatabaseUnavailable } from '../db/transaction.js';
import { AppError, ErrorCode } from '../errors.js';
import type { TokenVerifier } from '../http/route-config.js';
import type { Logger } from '../observability/logger.js';
import type { SocketUser } from './event-registry.js';
import type { SocketLimits } from './socket-limits.js';
import { socketConnectAttempts } from './socket-metrics.js';

/** What the client sees in `connect_error`: `err.data.code` is one of API.md's codes. */
export interface ConnectErrorData {
  code: ErrorCode;
  message: string;
  retryAfter?: number;
}

export class ConnectError extends Error {
  constructor(readonly data: ConnectErrorData) {
    super(data.message);
  }
}

export interface SocketData {
  user: SocketUser;
}

/** Same trust as Fastify's `trustProxy` (loopback, link-local, private ranges): only such hops may name the client. */
const TRUSTED_PROXIES = new BlockList();
for (const [net, prefix] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
] as const) {
  TRUSTED_PROXIES.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  TRUSTED_PROXIES.addSubnet(net, prefix, 'ipv6');

function isTrusted(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  const family = isIP(v4);
  return family !== 0 && TRUSTED_PROXIES.check(v4, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The caller's address, read like Fastify reads it so HTTP and sockets key
 * the same client: X-Forwarded-For is walked from the right past trusted
 * hops; a direct untrusted peer cannot pick its own address.
 */
export function clientIp(socket: Pick<Socket, 'handshake'>): string {
  let ip = socket.handshake.address;
  const header = socket.handshake.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  while (isTrusted(ip) && hops.length > 0) ip = hops.pop()!;
  return ip;
}

function toConnectError(err: unknown, log: Logger): ConnectError {
  if (err instanceof ConnectError) return err;
  if (err instanceof AppError) {
    if (err.code === ErrorCode.UNAUTHENTICATED) return new ConnectError({ code: err.code, message: err.message });
    if (err.code === ErrorCode.SERVICE_UNAVAILABLE)
      return new ConnectError({ code: err.code, message: err.message, retryAfter: 5 });
  }
  // The session check could not reach Postgres: the client should retry, not re-login.
  if (isDatabaseUnavailable(err))
    return new ConnectError({
      code: ErrorCode.SERVICE_UNAVAILABLE,
      message: 'Service temporarily unavailable',
      retryAfter: 5,
    });
  log.error({ err }, 'socket handshake failed');
  return new ConnectError({ code: ErrorCode.INTERNAL, message: 'Internal error' });
}

/**
 * Handshake middleware: per-IP connection rate first (cheap, stops reconnect
 * storms before they reach the database), then the access token from
 * `auth: {token}` — the same verification as the HTTP bearer token.
 */
export function authenticateHandshake(deps: { verify: TokenVerifier; limits: SocketLimits; log: Logger }) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    try {
      const verdict = await deps.limits.connect(clientIp(socket));
      if (!verdict.allowed) {
        throw new ConnectError({
          code: ErrorCode.RATE_LIMITED,
          message: 'Too many connection attempts',
          retryAfter: verdict.retryAfterS,
        });
      }
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
        throw new ConnectError({ code: ErrorCode.UNAUTHENTICATED, message: 'Missing access token (auth: {token})' });
      }
      (socket.data as SocketData).user = await deps.verify(token);
      socketConnectAttempts.inc({ outcome: 'ok' });
      next();
    } catch (err) {
      const error = toConnectError(err, deps.log);
      socketConnectAttempts.inc({ outcome: error.data.code });
      next(error);
    }
  };
}
