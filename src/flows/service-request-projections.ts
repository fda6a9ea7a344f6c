import { z } from 'zod';
import type { Db } from '../platform/db/database.js';
import type { EventBus } from '../platform/events/bus.js';
import type { RealtimeHub } from '../platform/realtime/emitter.js';
import { AppError, ErrorCode, forbidden } from '../platform/errors.js';
import type { SocketUser } from '../platform/realtime/event-registry.js';
import type { SocketGateway } from '../platform/realtime/gateway.js';
import { getServiceRequest } from '../modules/service-requests/index.js';

export const requestRoom = (requestId: string) => `request:${requestId}`;

/** Seed plan: the generic `request_status_changed` plus a typed event for these statuses. */
const TYPED = new Set(['assigned', 'arrived', 'quoted', 'completed', 'cancelled']);

export interface ServiceProjectionDeps {
  db: Db;
  bus: EventBus;
  realtime: RealtimeHub;
}

/** A request the user is part of, else FORBIDDEN (as `trip:subscribe`). */
async function memberRequest(db: Db, user: SocketUser, requestId: string) {
  try {
    return await getServiceRequest(db, requestId, user);
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) throw forbidden('Not a member of this request');
    throw err;
  }
}

/** Committed service-request events → socket events in the request's room (seq/sync like trips). */
function projectServiceEvents({ bus, realtime }: ServiceProjectionDeps): void {
  bus.on('service_request.requested', (e) => {
    realtime.joinUserToRoom(e.payload.customerId, requestRoom(e.payload.requestId));
  });
  bus.on('service_request.offers_withdrawn', (e) => {
    for (const driverId of e.payload.driverIds)
      realtime.toUser(driverId, 'request:offer_withdrawn', { requestId: e.payload.requestId });
  });
  bus.on('service_request.status_changed', (e) => {
    const { requestId, customerId, providerId, from, to, version, at } = e.payload;
    const room = requestRoom(requestId);
    // Joined before the emit, so both parties hear `request:assigned` through the room.
    realtime.joinUserToRoom(customerId, room);
    if (providerId) realtime.joinUserToRoom(providerId, room);
    const payload = { requestId, from, to, version, at };
    const aliases = TYPED.has(to) ? [`request:${to}`] : [];
    realtime.toRoom(room, 'request_status_changed', payload, { aliases });
    realtime.toUser(customerId, 'request_status_changed', payload, { aliases, exceptRooms: [room] });
  });
}

/** `request:subscribe` and the snapshot `sync` falls back to for a `request:{id}` room. */
function serveRequestRooms({ db }: ServiceProjectionDeps, gateway: SocketGateway): void {
  const schema = z.object({ requestId: z.uuid() });
  gateway.events.register({
    name: 'request:subscribe',
    summary: "Join a service request's room (customer, assigned provider, admin)",
    schema,
    handle: async ({ socket, user }, { requestId }: z.infer<typeof schema>) => {
      await memberRequest(db, user, requestId);
      const room = requestRoom(requestId);
      await socket.join(room);
      return { room, seq: await gateway.currentSeq(room) };
    },
  });
  gateway.snapshots.register('request', async (user, requestId) => ({
    request: await memberRequest(db, user, requestId),
  }));
}

export function registerServiceRequestProjections(deps: ServiceProjectionDeps, gateway: SocketGateway): void {
  projectServiceEvents(deps);
  serveRequestRooms(deps, gateway);
}
