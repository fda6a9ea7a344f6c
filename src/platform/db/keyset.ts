import { sql, type SelectQueryBuilder } from 'kysely';
import { EXACT_CREATED_AT_SQL } from '../http/cursor.js';

export interface NewestFirstPage {
  limit: number;
  /** The decoded cursor: rows strictly older than this (created_at, id). */
  after?: { at: string; id: string };
}

/**
 * A page of rows newest first by (created_at, id), one more than `limit` so `pageOf` can tell whether a next
 * page exists, each with its exact timestamp (`created_at_exact`) for the cursor. The table needs `created_at`
 * and a uuid `id`.
 */
export function newestFirstPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: NewestFirstPage,
) {
  const sorted = query
    .select(sql<string>`${sql.raw(EXACT_CREATED_AT_SQL)}`.as('created_at_exact'))
    .orderBy(sql`created_at`, 'desc')
    .orderBy(sql`id`, 'desc')
    .limit(page.limit + 1);
  if (!page.after) return sorted;
  return sorted.where(sql<boolean>`(created_at, id) < (${page.after.at}::timestamptz, ${page.after.id}::uuid)`);
}
