import type { Redis } from 'ioredis';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { makeLimiter } from '../rate-limiter.js';

/** Seed 000: rate-limit connection attempts per IP (reconnect storms) and events per socket. */
const CONNECT_WINDOW_S = 60;
const EVENT_WINDOW_S = 10;

export interface SocketLimitSettings {
  connectsPerIpPerMin: number;
  eventsPer10s: number;
  disabled: boolean;
  keyPrefix: string;
}

/** Outcome of one check: allowed, or how long to wait. */
export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterS: number };

const ALLOWED: LimitVerdict = { allowed: true };

async function check(limiter: RateLimiterAbstract, key: string): Promise<LimitVerdict> {
  try {
    await limiter.consume(key);
    return ALLOWED;
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
  }
}

export class SocketLimits {
  private readonly connects: RateLimiterAbstract;
  private readonly events: RateLimiterAbstract;

  constructor(
    private readonly settings: SocketLimitSettings,
    redis?: Redis,
  ) {
    this.connects = makeLimiter({
      redis,
      keyPrefix: `${settings.keyPrefix}rl:sock-connect`,
      points: settings.connectsPerIpPerMin,
      durationS: CONNECT_WINDOW_S,
    });
    // A socket lives on exactly one node, so its event count does too: a shared store would only add a
    // Redis round trip to every client event (every location update) and decide nothing more.
    this.events = makeLimiter({
      keyPrefix: `${settings.keyPrefix}rl:sock-event`,
      points: settings.eventsPer10s,
      durationS: EVENT_WINDOW_S,
    });
  }

  connect(ip: string): Promise<LimitVerdict> {
    return this.settings.disabled ? Promise.resolve(ALLOWED) : check(this.connects, ip);
  }

  event(socketId: string): Promise<LimitVerdict> {
    return this.settings.disabled ? Promise.resolve(ALLOWED) : check(this.events, socketId);
  }
}
