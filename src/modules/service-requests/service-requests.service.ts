import { randomInt } from 'node:crypto';
import type { Db, DbHandle, Tx } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/transaction.js';
import { conflict, notFound } from '../../platform/errors.js';
import type { EventRecorder } from '../../platform/events/unit-of-work.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { AuthUser } from '../../platform/http/route-config.js';
import './service-requests.events.js';
import { findLatestQuote, latestQuotes, type QuoteRow } from './service-quotes.repo.js';
import { toQuoteView } from './quote-view.js';
import {
  findRequestEnRouteFor,
  findServiceRequest,
  insertServiceRequest,
  listServiceRequests,
  type NewServiceRequest,
  type ServiceRequestRow,
  type ServiceStatus,
} from './service-requests.repo.js';

export type ServiceViewer = Pick<AuthUser, 'id' | 'role'>;

/** 4-digit completion code from a CSPRNG, shown only to the customer. */
const completionCode = () => String(randomInt(10_000)).padStart(4, '0');

/** Inserts a searching request and its event; the partial unique index keeps one open request per customer. */
export async function insertRequestedService(
  tx: Tx,
  events: EventRecorder,
  request: Omit<NewServiceRequest, 'completion_code' | 'status'>,
): Promise<ServiceRequestRow> {
  let row: ServiceRequestRow;
  try {
    row = await insertServiceRequest(tx, { ...request, status: 'searching', completion_code: completionCode() });
  } catch (err) {
    if (isUniqueViolation(err, 'service_requests_one_active_per_customer'))
      throw conflict('Customer already has an open service request');
    throw err;
  }
  await events.record({
    type: 'service_request.requested',
    aggregateType: 'service_request',
    aggregateId: row.id,
    actorId: row.customer_id,
    payload: {
      requestId: row.id,
      customerId: row.customer_id,
      serviceType: row.service_type,
      status: row.status,
      estimateTotal: row.estimate_total,
    },
  });
  return row;
}

export const canSee = (row: ServiceRequestRow, viewer: ServiceViewer) =>
  viewer.role === 'admin' || row.customer_id === viewer.id || row.provider_id === viewer.id;

const place = (lat: number, lng: number, address: string | null) => ({ lat, lng, address });

export function toServiceRequestView(row: ServiceRequestRow, viewer: ServiceViewer, quote?: QuoteRow) {
  const destination =
    row.destination_lat !== null && row.destination_lng !== null
      ? place(row.destination_lat, row.destination_lng, row.destination_address)
      : null;
  return {
    id: row.id,
    status: row.status,
    serviceType: row.service_type,
    customerId: row.customer_id,
    providerId: row.provider_id,
    location: place(row.lat, row.lng, row.address),
    destination,
    vehicle: row.vehicle,
    description: row.description,
    paymentMethod: row.payment_method,
    estimate: {
      tariffVersion: row.tariff_version,
      towDistanceM: row.tow_distance_m,
      items: row.estimate_items as Array<{ code: 'call_out' | 'tow_distance'; amount: number }>,
      total: row.estimate_total,
      currency: 'EGP' as const,
    },
    quote: quote ? toQuoteView(quote) : null,
    ...(row.customer_id === viewer.id ? { completionCode: row.completion_code } : {}),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A request its customer, its provider or an admin may read; anyone else gets 404 (no probing of ids). */
export async function getServiceRequest(db: DbHandle, id: string, viewer: ServiceViewer) {
  const row = await findServiceRequest(db, id);
  if (!row || !canSee(row, viewer)) throw notFound('Service request');
  return toServiceRequestView(row, viewer, await findLatestQuote(db, row.id));
}

export async function listServiceRequestsFor(
  db: Db,
  viewer: ServiceViewer,
  query: { status?: ServiceStatus; limit: number; cursor?: string },
) {
  const side = viewer.role === 'admin' ? 'all' : viewer.role === 'driver' ? 'provider' : 'customer';
  const rows = await listServiceRequests(db, { userId: viewer.id, side, ...query, after: decodeCursor(query.cursor) });
  const { page, nextCursor } = pageOf(rows, query.limit);
  const quotes = await latestQuotes(
    db,
    page.map((row) => row.id),
  );
  return { items: page.map((row) => toServiceRequestView(row, viewer, quotes.get(row.id))), nextCursor };
}

/** Where the provider's current job waits for them (for the customer's ETA); undefined when not on the way. */
export async function requestAwaitingProvider(db: DbHandle, providerId: string) {
  return findRequestEnRouteFor(db, providerId);
}
