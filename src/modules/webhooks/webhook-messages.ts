import type { DbHandle } from '../../platform/db/database.js';
import type { StoredEvent } from '../../platform/events/event-map.js';
import { getVisibleTrip, viewTrip } from '../trips/index.js';
import { tripReceipt } from '../payments/index.js';
import { getServiceRequest } from '../service-requests/index.js';
import type { WebhookEventType } from './webhook-events.js';

/** One webhook a domain event becomes; `data` is built only when some endpoint wants the type. */
export interface WebhookMessage {
  type: WebhookEventType;
  /** Deliveries of one resource to one endpoint go out in order. */
  resourceId: string;
  data: (db: DbHandle) => Promise<unknown>;
}

/** Webhooks see what an admin sees: the full resource, as GET /trips/:id answers an admin. */
const SYSTEM_VIEWER = { id: '00000000-0000-0000-0000-000000000000', role: 'admin' } as const;

const tripData = (tripId: string) => async (db: DbHandle) =>
  viewTrip(db, await getVisibleTrip(db, tripId, SYSTEM_VIEWER), SYSTEM_VIEWER);

const receiptData = (tripId: string) => async (db: DbHandle) =>
  tripReceipt(db, { viewer: SYSTEM_VIEWER, tripId, language: 'en' });

const payloadData = (payload: unknown) => async () => payload;

const serviceRequestData = (id: string) => async (db: DbHandle) => getServiceRequest(db, id, SYSTEM_VIEWER);

/** A service request's move: the named milestones, every other status as `service_request.status_changed`. */
const SERVICE_STATUS_EVENTS: Record<string, WebhookEventType> = {
  assigned: 'service_request.assigned',
  completed: 'service_request.completed',
  cancelled: 'service_request.cancelled',
};

/** Events whose payload carries the resource as the API showed it at the change: `{<key>: resource}`. */
const SNAPSHOT_EVENTS: Partial<Record<string, { type: WebhookEventType; key: string }>> = {
  'payment.succeeded': { type: 'payment.succeeded', key: 'payment' },
  'payment.failed': { type: 'payment.failed', key: 'payment' },
  'refund.created': { type: 'refund.created', key: 'refund' },
  'refund.succeeded': { type: 'refund.succeeded', key: 'refund' },
  'refund.failed': { type: 'refund.failed', key: 'refund' },
  'driver.approved': { type: 'driver.approved', key: 'driver' },
  'driver.suspended': { type: 'driver.suspended', key: 'user' },
  'sos.opened': { type: 'sos.opened', key: 'alert' },
  'sos.acknowledged': { type: 'sos.acknowledged', key: 'alert' },
  'sos.resolved': { type: 'sos.resolved', key: 'alert' },
};

function snapshotMessage(event: StoredEvent): WebhookMessage[] {
  const snapshot = SNAPSHOT_EVENTS[event.type];
  if (!snapshot) return [];
  const data = (event.payload as Record<string, unknown>)[snapshot.key];
  return [{ type: snapshot.type, resourceId: event.aggregateId, data: payloadData(data) }];
}

const TRIP_STATUS_EVENTS: Record<string, WebhookEventType> = {
  accepted: 'trip.accepted',
  arrived: 'trip.arrived',
  started: 'trip.started',
  completed: 'trip.completed',
};

/** The webhooks a stored domain event becomes, in the order they are delivered. */
export function webhookMessagesOf(event: StoredEvent): WebhookMessage[] {
  const resourceId = event.aggregateId;
  switch (event.type) {
    case 'trip.requested':
      return [{ type: 'trip.requested', resourceId, data: tripData(resourceId) }];
    case 'trip.cancelled':
      return [{ type: 'trip.cancelled', resourceId, data: tripData(resourceId) }];
    case 'trip.status_changed': {
      const type = TRIP_STATUS_EVENTS[(event as StoredEvent<'trip.status_changed'>).payload.to];
      if (!type) return [];
      const status = [{ type, resourceId, data: tripData(resourceId) }];
      if (type !== 'trip.completed') return status;
      return [...status, { type: 'trip.receipt', resourceId, data: receiptData(resourceId) }];
    }
    case 'booking.created':
      return [{ type: 'booking.created', resourceId, data: payloadData(event.payload) }];
    case 'booking.status_changed':
      if ((event as StoredEvent<'booking.status_changed'>).payload.to !== 'cancelled') return [];
      return [{ type: 'booking.cancelled', resourceId, data: payloadData(event.payload) }];
    case 'booking.deleted':
      return [{ type: 'booking.deleted', resourceId, data: payloadData(event.payload) }];
    case 'wallet.payout_resolved': {
      const payout = (event as StoredEvent<'wallet.payout_resolved'>).payload;
      const type = payout.status === 'paid' ? 'payout.paid' : 'payout.failed';
      return [{ type, resourceId: payout.payoutId, data: payloadData(payout) }];
    }
    case 'service_request.requested':
      return [{ type: 'service_request.requested', resourceId, data: serviceRequestData(resourceId) }];
    case 'service_request.status_changed': {
      const to = (event as StoredEvent<'service_request.status_changed'>).payload.to;
      const type = SERVICE_STATUS_EVENTS[to] ?? 'service_request.status_changed';
      return [{ type, resourceId, data: serviceRequestData(resourceId) }];
    }
    default:
      return snapshotMessage(event);
  }
}
