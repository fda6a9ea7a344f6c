import type { DbHandle } from '../../platform/db/database.js';
import { forbidden, notFound } from '../../platform/errors.js';
import { holdsGrant, STAFF_ACCESS } from '../../platform/http/route-config.js';
import { serviceRecords, type ServiceStatus } from '../service-requests/index.js';
import { TERMINAL_STATUSES, getVisibleTrip, type TripStatus, type Viewer } from '../trips/index.js';

/** What a chat belongs to (migration 0062): a trip, or a service request (issue 18 #4). */
export type ChatSubjectRef = { kind: 'trip'; id: string } | { kind: 'service_request'; id: string };

/** The two parties of a chat and whether they may write now; read from the trip or request row. */
export interface ChatSubject {
  ref: ChatSubjectRef;
  /** The rider of a trip, the customer of a service request. */
  riderId: string;
  /** The assigned driver or provider; null before one is assigned (no chat yet). */
  driverId: string | null;
  status: string;
  /** A party is assigned and the job is under way: messages may be sent. */
  open: boolean;
  /** The trip or request has ended: its chat is read-only. */
  ended: boolean;
}

/** A trip with an assigned driver that has not ended. */
const TRIP_CHAT_OPEN: TripStatus[] = ['accepted', 'arrived', 'started'];
/** Brief of issue 18 #4: a request's chat is open from `assigned` to `in_progress`, read-only after. */
const SERVICE_CHAT_OPEN: ServiceStatus[] = ['assigned', 'en_route', 'arrived', 'quoted', 'in_progress'];
const SERVICE_ENDED: ServiceStatus[] = ['completed', 'cancelled', 'declined_quote', 'no_providers'];

/** Staff who read any trip (admin, dispatcher, support) read any chat, as the console's trace does. */
const isStaffReader = (viewer: Viewer) => holdsGrant(viewer, STAFF_ACCESS.trips);

/** The payload key naming the subject in messages and events: `{tripId}` or `{requestId}`. */
export function subjectKey(ref: ChatSubjectRef): { tripId: string } | { requestId: string } {
  return ref.kind === 'trip' ? { tripId: ref.id } : { requestId: ref.id };
}

/** The socket room whose members hear the chat (joined on accept/assignment, or by `trip:`/`request:subscribe`). */
export const subjectRoom = (ref: ChatSubjectRef) => (ref.kind === 'trip' ? `trip:${ref.id}` : `request:${ref.id}`);

/** The subject of a stored message or room row. */
export function refOfRow(row: { trip_id: string | null; service_request_id: string | null }): ChatSubjectRef {
  return row.trip_id ? { kind: 'trip', id: row.trip_id } : { kind: 'service_request', id: row.service_request_id! };
}

/** Trip chat: 404 for a trip the caller cannot see, 403 for a visible one they are not part of. */
async function tripSubject(db: DbHandle, id: string, viewer: Viewer): Promise<ChatSubject> {
  const trip = await getVisibleTrip(db, id, viewer);
  if (!isStaffReader(viewer) && viewer.id !== trip.rider_id && viewer.id !== trip.driver_id)
    throw forbidden('Only the trip rider, driver and admins may use this chat');
  return {
    ref: { kind: 'trip', id },
    riderId: trip.rider_id,
    driverId: trip.driver_id,
    status: trip.status,
    open: Boolean(trip.driver_id) && TRIP_CHAT_OPEN.includes(trip.status),
    ended: TERMINAL_STATUSES.includes(trip.status),
  };
}

/** A service request's chat: its customer, its provider and staff; anyone else 404 (no probing of ids). */
async function serviceSubject(db: DbHandle, id: string, viewer: Viewer): Promise<ChatSubject> {
  const row = await serviceRecords.find(db, id);
  const party = row && (viewer.id === row.customer_id || viewer.id === row.provider_id || isStaffReader(viewer));
  if (!row || !party) throw notFound('Service request');
  return {
    ref: { kind: 'service_request', id },
    riderId: row.customer_id,
    driverId: row.provider_id,
    status: row.status,
    open: Boolean(row.provider_id) && SERVICE_CHAT_OPEN.includes(row.status),
    ended: SERVICE_ENDED.includes(row.status),
  };
}

/** The subject as `viewer` may use it; refuses non-members as that subject's reads do. */
export function loadChatSubject(db: DbHandle, ref: ChatSubjectRef, viewer: Viewer): Promise<ChatSubject> {
  return ref.kind === 'trip' ? tripSubject(db, ref.id, viewer) : serviceSubject(db, ref.id, viewer);
}
