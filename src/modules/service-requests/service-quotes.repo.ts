import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

export interface QuoteItem {
  kind: 'labour' | 'part';
  label: string;
  qty: number;
  unitAmount: number;
  amount: number;
}

export type QuoteStatus = 'pending' | 'approved' | 'declined' | 'superseded';

interface ServiceQuotesTable {
  request_id: string;
  revision: number;
  provider_id: string;
  items: QuoteItem[];
  total: number;
  status: Generated<QuoteStatus>;
  created_at: Generated<Date>;
  decided_at: Date | null;
}

export type QuoteRow = Selectable<ServiceQuotesTable>;

const q = (db: DbHandle) => db.withTables<{ service_quotes: ServiceQuotesTable }>();

/** The newest revision of the request's quote, if any. */
export async function findLatestQuote(db: DbHandle, requestId: string): Promise<QuoteRow | undefined> {
  return q(db)
    .selectFrom('service_quotes')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('revision', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function latestQuotes(db: DbHandle, requestIds: string[]): Promise<Map<string, QuoteRow>> {
  if (requestIds.length === 0) return new Map();
  const rows = await q(db)
    .selectFrom('service_quotes')
    .selectAll()
    .distinctOn('request_id')
    .where('request_id', 'in', requestIds)
    .orderBy('request_id')
    .orderBy('revision', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.request_id, r]));
}

/** Supersedes the quote in force and inserts the next revision; run under the request's row lock. */
export async function insertQuoteRevision(
  db: DbHandle,
  args: { requestId: string; providerId: string; items: QuoteItem[]; total: number },
): Promise<QuoteRow> {
  const superseded = await q(db)
    .updateTable('service_quotes')
    .set({ status: 'superseded' })
    .where('request_id', '=', args.requestId)
    .where('status', 'in', ['pending', 'approved'])
    .returning('revision')
    .execute();
  const latest = await findLatestQuote(db, args.requestId);
  return q(db)
    .insertInto('service_quotes')
    .values({
      request_id: args.requestId,
      revision: (latest?.revision ?? superseded[0]?.revision ?? 0) + 1,
      provider_id: args.providerId,
      items: JSON.stringify(args.items) as unknown as QuoteItem[],
      total: args.total,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Decides a pending revision (compare-and-set on the revision); undefined when it is not pending any more. */
export async function decideQuote(
  db: DbHandle,
  args: { requestId: string; revision: number; to: 'approved' | 'declined' },
): Promise<QuoteRow | undefined> {
  return q(db)
    .updateTable('service_quotes')
    .set({ status: args.to, decided_at: sql<Date>`now()` })
    .where('request_id', '=', args.requestId)
    .where('revision', '=', args.revision)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** Every revision of the request's quote, oldest first (the console's job trace). */
export async function listQuoteRevisions(db: DbHandle, requestId: string): Promise<QuoteRow[]> {
  return q(db)
    .selectFrom('service_quotes')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('revision')
    .execute();
}
