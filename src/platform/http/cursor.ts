import { AppError, ErrorCode } from '../errors.js';

/** Opaque keyset cursor: (createdAt, id) of the last row of the page. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new AppError(ErrorCode.VALIDATION_ERROR, 'Invalid cursor', [{ field: 'query.cursor', message: 'not a cursor from this API' }]);
  }
  return { createdAt, id };
}

/** Splits an over-fetched page (limit + 1 rows) into the page and the next cursor. */
export function pageOf<T extends { created_at: Date; id: string }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null };
}
