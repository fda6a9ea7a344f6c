import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { traceLogMerge, traceLogMixin } from './trace-context.js';

/**
 * Secrets and tokens are removed from every log line; phone numbers are masked
 * by the serializers below (PII never leaves the process in clear).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-kashier-signature"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
  '*.otp',
  'password',
  'refreshToken',
  'accessToken',
  'token',
  'otp',
];

/** +201012345678 → +20******5678; anything else phone-like keeps its last 4. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(6)}${phone.slice(-4)}`;
}

const PHONE_IN_TEXT = /\+?\d{10,15}/g;

function maskPhonesDeep(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null) return value;
  if (typeof value === 'string') return value.replace(PHONE_IN_TEXT, (m) => maskPhone(m));
  if (Array.isArray(value)) return value.map((v) => maskPhonesDeep(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'phone' ? maskPhonesDeep(String(v), depth + 1) : v;
    return out;
  }
  return value;
}

/** `destination` defaults to stdout (tests capture lines with their own stream). */
export function createLogger(
  level: string,
  base: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'smartline', ...base },
    // traceId/spanId of the active span when tracing is on; an empty object otherwise.
    mixin: traceLogMixin,
    mixinMergeStrategy: traceLogMerge,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: {
      log: (obj) => {
        if ('phone' in obj) obj.phone = maskPhone(String(obj.phone));
        if ('user' in obj) obj.user = maskPhonesDeep(obj.user);
        return obj;
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
