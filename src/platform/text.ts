import { z } from 'zod';
import { AppError, ErrorCode } from './errors.js';

/**
 * The one home of "what text may we accept": what Postgres can store at all
 * (checked on every request and socket payload before validation) and what
 * may go into names and free text that end up in SMS and e-mail (zod schemas).
 */

/**
 * Deeper than any payload we accept; deeper input is refused rather than left unchecked (and cannot exhaust the stack).
 */
const MAX_DEPTH = 32;

export interface TextProblem {
  field: string;
  message: string;
}

/** Postgres text refuses U+0000; jsonb (and UTF-8 itself) refuses an unpaired UTF-16 surrogate. */
function unstorableReason(text: string): string | null {
  if (text.includes('\u0000')) return 'contains U+0000';
  if (!text.isWellFormed()) return 'contains an unpaired UTF-16 surrogate';
  return null;
}

/**
 * The first string (value or object key) under `value` that Postgres cannot
 * store, with its path (`body.vehicle.plate`, `payload.note`), or null.
 */
export function findUnstorableText(value: unknown, path: string): TextProblem | null {
  const found = findProblem(value, 0);
  return found && { field: [path, ...found.keys.reverse()].join('.'), message: found.message };
}

/**
 * The walk behind findUnstorableText. Every socket event and request body goes through it, and nearly all are clean:
 * the path (keys, innermost first) is put together only on the way back from a problem, never per field visited.
 */
function findProblem(value: unknown, depth: number): { keys: string[]; message: string } | null {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason ? { keys: [], message: reason } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { keys: [], message: `nested deeper than ${MAX_DEPTH} levels` };
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const keyReason = unstorableReason(key);
    // The key itself is unprintable: name the field by its printable neighbourhood only.
    if (keyReason) return { keys: [key.toWellFormed().replaceAll('\u0000', '\\0')], message: `key ${keyReason}` };
    const found = findProblem((value as Record<string, unknown>)[key], depth + 1);
    if (found) {
      found.keys.push(key);
      return found;
    }
  }
  return null;
}

/** Checks each named part (`{body, query, params}` or `{payload}`); the error lists the first bad field. */
export function assertStorableText(parts: Record<string, unknown>): void {
  for (const name in parts) {
    const problem = findUnstorableText(parts[name], name);
    if (problem) throw new AppError(ErrorCode.VALIDATION_ERROR, 'Text cannot be stored', [problem]);
  }
}

/*
 * C0 controls, DEL and C1 controls, plus the bidi embedding/override
 * (U+202A–U+202E) and isolate (U+2066–U+2069) marks that make an SMS or
 * e-mail read differently from what was typed ("Trojan Source", CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the whole point
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/** Multi-line text keeps \t and \n, and \r so CRLF from a client is not a 400 (chat normalises it to \n). */
// eslint-disable-next-line no-control-regex -- as above
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const FORBIDDEN_MESSAGE = 'must not contain control characters or bidi override marks';

/** A person's or thing's name (user, contact, vehicle make/plate): trimmed, 1..max, one line, no controls. */
export function safeName(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !SINGLE_LINE_FORBIDDEN.test(s), FORBIDDEN_MESSAGE);
}

export interface SafeTextOptions {
  max: number;
  /** Allow \n, \r and \t (chat messages, notes). Default: one line. */
  multiline?: boolean;
  /** Minimum length after trimming; default 0. */
  min?: number;
  /** Trim surrounding whitespace; default true. */
  trim?: boolean;
}

/**
 * Free text (reasons, notes, addresses, chat): no controls (bar line breaks where multi-line) and no bidi overrides.
 */
export function safeText(opts: SafeTextOptions) {
  const forbidden = opts.multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN;
  const base = opts.trim === false ? z.string() : z.string().trim();
  return base
    .min(opts.min ?? 0)
    .max(opts.max)
    .refine((s) => !forbidden.test(s), FORBIDDEN_MESSAGE);
}
