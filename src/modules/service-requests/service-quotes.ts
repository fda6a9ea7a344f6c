import type { Tx } from '../../platform/db/database.js';
import { conflict, forbidden, notFound } from '../../platform/errors.js';
import type { EventRecorder } from '../../platform/events/unit-of-work.js';
import { moveServiceRequest } from './service-moves.js';
import { findServiceRequest, type ServiceRequestRow } from './service-requests.repo.js';
import type { ServiceViewer } from './service-requests.service.js';
import {
  decideQuote,
  findLatestQuote,
  insertQuoteRevision,
  type QuoteItem,
  type QuoteRow,
} from './service-quotes.repo.js';

export interface QuoteLine {
  kind: 'labour' | 'part';
  label: string;
  qty: number;
  unitAmount: number;
}

/** The assigned provider posts (or revises) the work quote: the request moves to `quoted`, the revision is pending. */
export async function postQuote(
  tx: Tx,
  events: EventRecorder,
  a: { requestId: string; viewer: ServiceViewer; lines: QuoteLine[] },
) {
  const { row } = await moveServiceRequest(tx, events, {
    requestId: a.requestId,
    to: 'quoted',
    viewer: a.viewer,
    // A revised quote is a new quote, not a retried move.
    repeatIsNew: true,
  });
  const items: QuoteItem[] = a.lines.map((l) => ({ ...l, amount: l.qty * l.unitAmount }));
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  const quote = await insertQuoteRevision(tx, { requestId: row.id, providerId: a.viewer.id, items, total });
  return { row, quote };
}

/** The customer's decision on the revision they saw; anyone else is refused before anything changes. */
async function lockForDecision(tx: Tx, a: { requestId: string; viewer: ServiceViewer; revision: number }) {
  const row = await findServiceRequest(tx, a.requestId, { lock: true });
  const party =
    row && (row.customer_id === a.viewer.id || row.provider_id === a.viewer.id || a.viewer.role === 'admin');
  if (!row || !party) throw notFound('Service request');
  if (row.customer_id !== a.viewer.id) throw forbidden('Only the customer decides on the quote');
  const latest = await findLatestQuote(tx, row.id);
  if (!latest) throw conflict('There is no quote to decide on');
  if (latest.revision !== a.revision) throw conflict('The quote was revised', { currentRevision: latest.revision });
  return { row, latest };
}

/** The decision as an event, in the deciding transaction (the provider's push is projected from it). */
async function recordDecision(events: EventRecorder, row: ServiceRequestRow, quote: QuoteRow) {
  await events.record({
    type: 'service_request.quote_decided',
    aggregateType: 'service_request',
    aggregateId: row.id,
    actorId: row.customer_id,
    payload: {
      requestId: row.id,
      customerId: row.customer_id,
      providerId: row.provider_id,
      revision: quote.revision,
      decision: quote.status === 'approved' ? 'approved' : 'declined',
      total: quote.total,
    },
  });
}

/** Approving twice is harmless (and told once); approving a revised or declined quote is 409. */
export async function approveQuote(
  tx: Tx,
  events: EventRecorder,
  a: { requestId: string; viewer: ServiceViewer; revision: number },
) {
  const { row, latest } = await lockForDecision(tx, a);
  if (latest.status === 'approved') return { row, quote: latest };
  if (row.status !== 'quoted') throw conflict(`Cannot approve a quote of a ${row.status} request`);
  const quote = await decideQuote(tx, { requestId: row.id, revision: a.revision, to: 'approved' });
  if (!quote) throw conflict(`The quote is ${latest.status}`);
  await recordDecision(events, row, quote);
  return { row, quote };
}

/** Declining ends the request as `declined_quote`: the customer owes the call-out fee only. */
export async function declineQuote(
  tx: Tx,
  events: EventRecorder,
  a: { requestId: string; viewer: ServiceViewer; revision: number },
): Promise<{ row: ServiceRequestRow; quote: QuoteRow }> {
  const { row: locked, latest } = await lockForDecision(tx, a);
  if (latest.status !== 'pending') throw conflict(`The quote is ${latest.status}`);
  const quote = (await decideQuote(tx, { requestId: a.requestId, revision: a.revision, to: 'declined' }))!;
  await recordDecision(events, locked, quote);
  const { row } = await moveServiceRequest(tx, events, {
    requestId: a.requestId,
    to: 'declined_quote',
    viewer: a.viewer,
  });
  return { row, quote };
}
