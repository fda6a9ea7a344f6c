import { createRequire } from 'node:module';
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

/** The settings that decide how a process logs (a subset of Config). */
export interface LogSettings {
  LOG_LEVEL: string;
  LOG_PRETTY: 'auto' | 'true' | 'false';
  NODE_ENV: string;
}

/** pino-pretty is a dev dependency: a production install (dist/, the image) does not have it. */
function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * Pretty lines are for a person at a terminal: never in production (collectors read JSON lines, and the image
 * has no pino-pretty), `auto` only when stdout is a TTY (piped or redirected output stays JSON).
 */
export function wantsPrettyLogs(settings: Omit<LogSettings, 'LOG_LEVEL'>, stdoutIsTTY: boolean): boolean {
  if (settings.NODE_ENV === 'production' || settings.LOG_PRETTY === 'false') return false;
  return settings.LOG_PRETTY === 'true' || stdoutIsTTY;
}

/**
 * The logger of a process (server roles, demo, simulator): JSON lines on stdout, or, when wantsPrettyLogs,
 * the same records formatted by pino-pretty in pino's transport worker thread (off the event loop).
 */
export function createProcessLogger(settings: LogSettings, base: Record<string, unknown> = {}): Logger {
  const tty = process.stdout.isTTY === true;
  if (!wantsPrettyLogs(settings, tty) || !prettyInstalled()) return createLogger(settings.LOG_LEVEL, base);
  const transport = pino.transport({
    target: 'pino-pretty',
    options: { colorize: tty, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
  }) as DestinationStream;
  return createLogger(settings.LOG_LEVEL, base, transport);
}

export type { Logger };
