/**
 * Every server → client Socket.IO event, its audience and its payload schema,
 * defined once: the emitter only takes these names (a typo does not compile),
 * the AsyncAPI document and the typed client's event map are generated from it.
 * Payloads sent to a room also carry `room` and `seq` (added by the gateway).
 */
import { z } from 'zod';
import { isoTime, money, point, resource, type ServerEventSpec } from './server-event-shapes.js';
import { REQUEST_EVENTS } from './server-events.requests.js';

export type { Audience, ServerEventSpec } from './server-event-shapes.js';

const statusChange = z.object({
  tripId: z.string(),
  from: z.string(),
  to: z.string(),
  version: z.number(),
  at: isoTime,
});
const sosAlert = z.object({
  alertId: z.string(),
  userId: z.string(),
  name: z.string().nullable(),
  tripId: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  note: z.string().nullable(),
  status: z.string(),
  createdAt: isoTime,
});
const sosMove = z.object({ alertId: z.string(), by: z.string(), at: isoTime, note: z.string().nullable() });
const statusAlias = (to: string): ServerEventSpec => ({
  to: 'trip',
  summary: `Typed alias of trip:status_changed when the trip becomes ${to} (same payload and seq)`,
  payload: statusChange,
});

const e5 = z.number().int().describe('degrees × 1e5');

export const SERVER_EVENTS = {
  'trip:offer': {
    to: 'user',
    summary: 'A trip is offered to this driver; acknowledge with trip:offer_seen',
    payload: z.object({
      tripId: z.string(),
      pickup: point,
      dropoff: point,
      distanceToPickupM: z.number().nullable(),
      tripDistanceM: z.number().nullable(),
      durationS: z.number().nullable(),
      fareEstimate: money,
      expiresAt: isoTime,
      strategy: z.string(),
      round: z.number().int(),
    }),
  },
  'trip:offer_withdrawn': { to: 'user', summary: 'The offer is gone', payload: z.object({ tripId: z.string() }) },
  'trip:reassigning': {
    to: 'user',
    summary: 'The matched driver dropped out; the trip searches again',
    payload: z.object({ tripId: z.string(), reason: z.string(), version: z.number(), at: isoTime }),
  },
  'trip:schedule_update': {
    to: 'user',
    summary: 'A book-later trip moved a step (driver_reserved, driver_confirmed, backup_search)',
    payload: z.object({
      tripId: z.string(),
      driverId: z.string().nullable(),
      step: z.string(),
      scheduledAt: isoTime,
      confirmBy: isoTime.nullable(),
    }),
  },
  'trip:confirm_requested': {
    to: 'user',
    summary: 'The reserving driver’s confirmation window is open',
    payload: z.object({ tripId: z.string(), scheduledAt: isoTime, confirmBy: isoTime }),
  },
  'trip:bid': {
    to: 'user',
    summary: 'A driver bid on the rider’s broadcast_bid trip',
    payload: z.object({
      tripId: z.string(),
      bidId: z.string(),
      driverId: z.string(),
      amount: z.number().int(),
      currency: z.string(),
      expiresAt: isoTime,
    }),
  },
  'trip:status_changed': { to: 'trip', summary: 'The trip changed status', payload: statusChange },
  'trip:accepted': statusAlias('accepted'),
  'trip:arrived': statusAlias('arrived'),
  'trip:started': statusAlias('started'),
  'trip:completed': statusAlias('completed'),
  'trip:cancelled': statusAlias('cancelled'),
  'trip:destination_changed': {
    to: 'trip',
    summary: 'The rider changed the destination',
    payload: z.object({ tripId: z.string(), dropoff: point, version: z.number() }),
  },
  'trip:stops_changed': {
    to: 'trip',
    summary: 'The rider’s confirmed new stops',
    payload: z.object({ tripId: z.string(), stops: z.array(z.looseObject(point.shape)), version: z.number() }),
  },
  'trip:driver_location': {
    to: 'trip',
    summary: 'The driver’s position, at most 1/s (volatile)',
    payload: z.object({
      tripId: z.string(),
      lat: z.number(),
      lng: z.number(),
      heading: z.number().nullable(),
      at: isoTime,
    }),
  },
  'trip:eta_update': {
    to: 'trip',
    summary: 'Time and distance to the pickup, then to the dropoff',
    payload: z.object({ tripId: z.string(), etaS: z.number(), distanceM: z.number() }),
  },
  'trip:driver_location_stopped': {
    to: 'trip',
    summary: 'The driver stopped sharing their position',
    payload: z.object({ tripId: z.string(), driverId: z.string(), at: isoTime }),
  },
  'chat:message': {
    to: 'trip',
    summary: 'A chat message in the trip',
    payload: z.object({ tripId: z.string(), messageId: z.string(), from: z.string(), text: z.string(), at: isoTime }),
  },
  notification: { to: 'user', summary: 'A new inbox notification', payload: resource('Notification') },
  'sos:alert': { to: 'admin', summary: 'A user raised an SOS', payload: sosAlert },
  'sos:escalated': {
    to: 'admin',
    summary: 'An SOS is still unacknowledged',
    payload: sosAlert.extend({ round: z.number().int() }),
  },
  'sos:location': {
    to: 'admin',
    summary: 'Where an active SOS is',
    payload: z.object({
      alertId: z.string(),
      userId: z.string(),
      tripId: z.string().nullable(),
      lat: z.number(),
      lng: z.number(),
      heading: z.number().nullable(),
      at: isoTime,
      source: z.enum(['live', 'last_known']),
    }),
  },
  'sos:acknowledged': { to: 'admin', summary: 'An admin acknowledged an SOS', payload: sosMove },
  'sos:resolved': { to: 'admin', summary: 'An admin resolved an SOS', payload: sosMove },
  'safety:alert': {
    to: 'admin',
    summary: 'A trip looks unsafe (stopped, speeding, off route …)',
    payload: z.looseObject({ eventId: z.string(), tripId: z.string(), kind: z.string(), at: isoTime }),
  },
  'chat:message_reported': {
    to: 'admin',
    summary: 'A chat message was reported',
    // One object (not a union) so the room fields extend it: exactly one of tripId / requestId is present.
    payload: z.object({
      messageId: z.string(),
      tripId: z.string().optional().describe('a trip chat message'),
      requestId: z.string().optional().describe('a service request chat message'),
      reporterId: z.string(),
      reason: z.string().nullable(),
    }),
  },
  'withdrawal:requested': { to: 'admin', summary: 'A driver asked for a withdrawal', payload: resource('Withdrawal') },
  'finance:alert': {
    to: 'admin',
    summary: 'Reconciliation found a mismatch',
    payload: z.object({ kind: z.literal('reconciliation_mismatch'), ranAt: isoTime }),
  },
  'nearby:update': {
    to: 'socket',
    summary: 'Available drivers in the watched circle (after nearby:watch)',
    payload: z.object({
      drivers: z.array(
        z.object({
          id: z.string(),
          lat: z.number(),
          lng: z.number(),
          heading: z.number().nullable(),
          vehicleClass: z.string(),
        }),
      ),
      at: isoTime,
    }),
  },
  ...REQUEST_EVENTS,
  'fleet:delta': {
    to: 'fleet',
    summary: 'What moved or changed on the live map since the last tick (after a fleet:watch snapshot)',
    payload: z.object({
      seq: z.number().int(),
      at: z.number(),
      c: z.array(z.string()).optional(),
      n: z.array(z.tuple([z.number().int(), z.string(), z.number().int(), z.number().int()])).optional(),
      u: z.array(z.tuple([z.number().int(), e5, e5, z.string(), z.number().int()])).optional(),
      r: z.array(z.number().int()).optional(),
      t: z
        .array(z.tuple([z.string(), z.number().int(), e5, e5, z.string(), z.enum(['trip', 'service_request'])]))
        .optional(),
      tr: z.array(z.string()).optional(),
    }),
  },
  'auth:token_expiring': {
    to: 'socket',
    summary: 'The access token expires soon; send auth:refresh',
    payload: z.object({ expiresAt: isoTime }),
  },
  'auth:token_expired': {
    to: 'socket',
    summary: 'The access token expired; the socket is disconnected',
    payload: z.object({ expiredAt: isoTime }),
  },
  'socket:error': {
    to: 'socket',
    summary: 'A failed event sent without ack, or why the socket is being closed',
    payload: z.object({
      event: z.string().optional(),
      error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
    }),
  },
} satisfies Record<string, ServerEventSpec>;

export type ServerEventName = keyof typeof SERVER_EVENTS;
/** Events the gateway sends to a room (with `room` and `seq`). */
export type RoomEventName = {
  [K in ServerEventName]: (typeof SERVER_EVENTS)[K]['to'] extends 'socket' ? never : K;
}[ServerEventName];

/** For names read back from storage (the notification outbox): only catalogued room events go out. */
export function isRoomEvent(name: string): name is RoomEventName {
  return Object.hasOwn(SERVER_EVENTS, name) && SERVER_EVENTS[name as ServerEventName].to !== 'socket';
}
