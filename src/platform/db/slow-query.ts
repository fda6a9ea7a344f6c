import { createHash } from 'node:crypto';
import type { LogEvent } from 'kysely';
import type { Logger } from '../observability/logger.js';

const NAME_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/^\s*(?:with\b[\s\S]*?\)\s*)?select\b[\s\S]*?\bfrom\s+("?[\w.]+"?(?:\."?\w+"?)?)/i, 'select'],
  [/^\s*insert\s+into\s+("?[\w.]+"?(?:\."?\w+"?)?)/i, 'insert'],
  [/^\s*update\s+("?[\w.]+"?(?:\."?\w+"?)?)/i, 'update'],
  [/^\s*delete\s+from\s+("?[\w.]+"?(?:\."?\w+"?)?)/i, 'delete'],
];

/**
 * A short, stable name for a statement: its verb and first table
 * (`select trips`, `update drivers`), else its first word. Built from the SQL
 * text only, never from the parameters, so a slow-query line cannot carry a
 * phone number, a token or a position.
 */
export function queryName(sqlText: string): string {
  for (const [pattern, verb] of NAME_PATTERNS) {
    const table = pattern.exec(sqlText)?.[1];
    if (table) return `${verb} ${table.replaceAll('"', '')}`;
  }
  const verb = /^\s*(\w+)/.exec(sqlText)?.[1]?.toLowerCase();
  return verb ?? 'statement';
}

/**
 * Kysely's `log` hook: statements slower than `thresholdMs` are logged with
 * their name and duration. Parameters are never logged, and neither is the SQL
 * text (a `sql.lit` or raw fragment could embed a value).
 */
export function slowQueryLogger(log: Logger, thresholdMs: number, pool: string) {
  return (event: LogEvent) => {
    if (event.queryDurationMillis < thresholdMs) return;
    log.warn(
      {
        query: queryName(event.query.sql),
        // Same statement text ⇒ same fingerprint: finds every occurrence without showing the text.
        fingerprint: createHash('sha1').update(event.query.sql).digest('hex').slice(0, 12),
        durationMs: Math.round(event.queryDurationMillis),
        pool,
        failed: event.level === 'error',
      },
      'slow query',
    );
  };
}
