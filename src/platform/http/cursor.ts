import { AppError, ErrorCode } from '../errors.js';

/**
 * Opaque keyset cursor: (createdAt, id) of the last row of the page.
 *
 * Postgres keeps microseconds, a JS Date only milliseconds: a cursor built
 * from the Date alone would skip every row created in the same millisecond
 * as the page's last row. Repos that select the exact timestamp as text
 * (`created_at_exact`, see EXACT_CREATED_AT_SQL) get exact cursors; compare
 * with `created_at < ${cursor.at}::timestamptz`.
 */
export function encodeCursor(createdAt: Date | string, id: string): string {
  const at = typeof createdAt === 'string' ? createdAt : createdAt.toISOString();
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

/** SQL text of `created_at` as UTC ISO-8601 with microseconds, e.g. for `.select(sql\`…\`.as('created_at_exact'))`. */
export const EXACT_CREATED_AT_SQL = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Years 1000..9999 only: anything else is not ours and may be out of Postgres' range (a 500, not a 400). */
const ISO_UTC = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export interface DecodedCursor {
  /** Millisecond precision, for callers that compare Dates. */
  createdAt: Date;
  /** The exact timestamp text (microseconds when the cursor carried them). */
  at: string;
  id: string;
}

export function decodeCursor(cursor: string | undefined): DecodedCursor | undefined {
  if (!cursor) return undefined;
  const [at = '', id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  const calendarDate =
    ISO_UTC.test(at) && !Number.isNaN(createdAt.getTime()) && createdAt.toISOString().slice(0, 19) === at.slice(0, 19);
  if (!id || extra !== undefined || !UUID.test(id) || !calendarDate) {
    throw new AppError(ErrorCode.VALIDATION_ERROR, 'Invalid cursor', [
      { field: 'query.cursor', message: 'not a cursor from this API' },
    ]);
  }
  return { createdAt, at, id };
}

/** Splits an over-fetched page (limit + 1 rows) into the page and the next cursor. */
export function pageOf<T extends { created_at: Date; id: string; created_at_exact?: string }>(
  rows: T[],
  limit: number,
) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at_exact ?? last.created_at, last.id) : null,
  };
}
