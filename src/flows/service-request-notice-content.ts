import type { DbHandle } from '../platform/db/database.js';
import type { NotifyInput } from '../modules/notifications/index.js';
import { estimateRoute } from '../modules/pricing/index.js';
import { getServiceRequest, invoiceOf, type ServiceRequestRow } from '../modules/service-requests/index.js';
import { driverCard, type NoticeContentDeps } from './trip-notice-content.js';

/** A service request step a customer or provider is told about on their phone (API.md "Service request progress"). */
export type ServiceNotice =
  'assigned' | 'arrived' | 'quoted' | 'completed' | 'cancelled' | 'no_providers' | 'quote_approved' | 'quote_declined';

export interface ServiceNoticeJob {
  eventId: number;
  requestId: string;
  notice: ServiceNotice;
  /** `cancelled`: who cancelled (the event's actor), to tell the other side only. */
  by?: string | null;
  /** `quote_*`: the decided revision's total (minor units). */
  total?: number;
}

const CURRENCY = 'EGP';

/** The provider as the customer needs them at the roadside: name, "make model, colour", plate. */
async function providerCard(db: DbHandle, row: ServiceRequestRow) {
  const card = await driverCard(db, row.provider_id);
  return { providerName: card.driverName, vehicle: card.vehicle, plate: card.plate };
}

/** Minutes from the provider's last position to the breakdown (every node's, Redis when configured). */
async function etaMinutes(deps: NoticeContentDeps, row: ServiceRequestRow): Promise<number | undefined> {
  const position = row.provider_id ? await deps.hotState.getDriverPosition(row.provider_id) : null;
  if (!position) return undefined;
  const eta = estimateRoute(position, { lat: row.lat, lng: row.lng });
  return Math.max(1, Math.ceil(eta.durationS / 60));
}

/** The newest quote revision the customer is asked to approve. */
async function quoteTotal(db: DbHandle, row: ServiceRequestRow) {
  const view = await getServiceRequest(db, row.id, { id: row.customer_id, role: 'rider' });
  return view.quote ? { total: view.quote.total, currency: CURRENCY, revision: view.quote.revision } : null;
}

/** What the finished job costs: the call-out fee (+ tow distance) plus the approved quote, as the receipt lists. */
async function finalTotal(db: DbHandle, row: ServiceRequestRow) {
  const items = await invoiceOf(db, row);
  return { total: items.reduce((sum, item) => sum + item.amount, 0), currency: CURRENCY };
}

/** The side that cancelled knows; the other side is told. An admin's cancel is told to both. */
function cancelNotices(row: ServiceRequestRow, by: string | null | undefined): NotifyInput[] {
  const data = { requestId: row.id };
  const to = (userId: string, template: string): NotifyInput => ({ userId, template, data, priority: 'HIGH' });
  if (by === row.customer_id)
    return row.provider_id ? [to(row.provider_id, 'service_request.cancelled_by_customer')] : [];
  if (by && by === row.provider_id) return [to(row.customer_id, 'service_request.cancelled_by_provider')];
  const parties = [row.customer_id, ...(row.provider_id ? [row.provider_id] : [])];
  return parties.map((userId) => to(userId, 'service_request.cancelled_by_support'));
}

/** What each party of the request is sent for one step, read at send time (provider card, ETA, totals). */
export async function serviceNoticesFor(
  db: DbHandle,
  deps: NoticeContentDeps,
  row: ServiceRequestRow,
  job: ServiceNoticeJob,
): Promise<NotifyInput[]> {
  const requestId = row.id;
  const to = (userId: string | null, template: string, data: Record<string, unknown>): NotifyInput[] =>
    userId ? [{ userId, template, data: { requestId, ...data }, priority: 'HIGH' }] : [];
  const customer = (template: string, data: Record<string, unknown> = {}) => to(row.customer_id, template, data);
  const provider = (template: string, data: Record<string, unknown> = {}) => to(row.provider_id, template, data);
  switch (job.notice) {
    case 'assigned':
      return customer('service_request.assigned', {
        ...(await providerCard(db, row)),
        etaMin: await etaMinutes(deps, row),
      });
    case 'arrived':
      return customer('service_request.arrived', await providerCard(db, row));
    case 'quoted': {
      const quote = await quoteTotal(db, row);
      return quote ? customer('service_request.quoted', quote) : [];
    }
    case 'completed':
      return customer('service_request.completed', await finalTotal(db, row));
    case 'no_providers':
      return customer('service_request.no_providers');
    case 'cancelled':
      return cancelNotices(row, job.by);
    case 'quote_approved':
      return provider('service_request.quote_approved', { total: job.total ?? 0, currency: CURRENCY });
    case 'quote_declined':
      return provider('service_request.quote_declined', { total: job.total ?? 0, currency: CURRENCY });
  }
}
