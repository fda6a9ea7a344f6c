import type { QuoteRow } from './service-quotes.repo.js';

export function toQuoteView(row: QuoteRow) {
  return {
    revision: row.revision,
    items: row.items,
    total: row.total,
    currency: 'EGP' as const,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}
