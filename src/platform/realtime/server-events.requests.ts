/** The service-request (field service) events of the server → client catalogue (server-events.ts). */
import { z } from 'zod';
import { isoTime, money, point, type ServerEventSpec } from './server-event-shapes.js';

const requestStatusChange = z.object({
  requestId: z.string(),
  from: z.string(),
  to: z.string(),
  version: z.number(),
  at: isoTime,
});
const requestStatusAlias = (to: string): ServerEventSpec => ({
  to: 'request',
  summary: `Typed alias of request_status_changed when the service request becomes ${to} (same payload and seq)`,
  payload: requestStatusChange,
});
/** The customer's and the provider's view of one service request: offers, status, ETA, chat. */
export const REQUEST_EVENTS = {
  'request:offer': {
    to: 'user',
    summary: 'A service request is offered to this provider; answer with POST /service-requests/:id/response',
    payload: z.object({
      requestId: z.string(),
      serviceType: z.string(),
      location: point,
      distanceM: z.number().nullable(),
      fareEstimate: money,
      expiresAt: isoTime,
    }),
  },
  'request:offer_withdrawn': {
    to: 'user',
    summary: 'The service request offer is gone (another provider took it, or the search ended)',
    payload: z.object({ requestId: z.string() }),
  },
  request_status_changed: {
    to: 'request',
    summary: 'The service request changed status (also sent to the customer’s user room)',
    payload: requestStatusChange,
  },
  'request:assigned': requestStatusAlias('assigned'),
  'request:arrived': requestStatusAlias('arrived'),
  'request:quoted': requestStatusAlias('quoted'),
  'request:completed': requestStatusAlias('completed'),
  'request:cancelled': requestStatusAlias('cancelled'),
  'request:eta_update': {
    to: 'request',
    summary: 'The provider’s ETA to the customer, from mechanic:location_update',
    payload: z.object({ requestId: z.string(), etaS: z.number(), distanceM: z.number() }),
  },
  'request:provider_location_stopped': {
    to: 'request',
    summary: 'The provider stopped sharing location (mechanic:location_stop)',
    payload: z.object({ requestId: z.string(), providerId: z.string(), at: isoTime }),
  },
  'request:chat_message': {
    to: 'request',
    summary: 'A chat message in the service request (its customer and provider; sent with request:chat_send)',
    payload: z.object({
      requestId: z.string(),
      messageId: z.string(),
      from: z.string(),
      text: z.string(),
      at: isoTime,
    }),
  },
} satisfies Record<string, ServerEventSpec>;
