import { z } from 'zod';
import type { Db } from '../platform/db/database.js';
import type { EventBus } from '../platform/events/bus.js';
import type { HotState } from '../platform/hotstate/index.js';
import type { RealtimeHub } from '../platform/realtime/emitter.js';
import { AppError, ErrorCode, forbidden } from '../platform/errors.js';
import type { SocketUser } from '../platform/realtime/event-registry.js';
import { tripRoom } from '../platform/realtime/emitter.js';
import type { SocketGateway } from '../platform/realtime/gateway.js';
import { ACTIVE_STATUSES, getVisibleTrip, listTripsFor, viewTrip } from '../modules/trips/index.js';

export interface RealtimeProjectionDeps {
  db: Db;
  bus: EventBus;
  realtime: RealtimeHub;
  /** The driver's last position, for a trip snapshot. */
  hotState: Pick<HotState, 'getDriverPosition'>;
}

/** API.md: `trip:status_changed` plus the typed alias for these statuses. */
const TYPED_ALIASES = new Set(['accepted', 'arrived', 'started', 'completed', 'cancelled']);

/**
 * A trip the user may watch, else FORBIDDEN (API.md `trip:subscribe`: "joins trip:{id} if a member, else FORBIDDEN").
 */
async function memberTrip(db: Db, user: SocketUser, tripId: string) {
  try {
    return await getVisibleTrip(db, tripId, user);
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) throw forbidden('Not a member of this trip');
    throw err;
  }
}

/** Bus events → socket events, after commit (the bus only publishes committed events). */
function projectTripEvents({ bus, realtime }: RealtimeProjectionDeps): void {
  bus.on('trip.requested', (e) => {
    realtime.joinUserToRoom(e.payload.riderId, tripRoom(e.payload.tripId));
  });
  bus.on('trip.status_changed', (e) => {
    const { tripId, riderId, driverId, from, to, version, at } = e.payload;
    const room = tripRoom(tripId);
    if (to === 'accepted' || (to === 'scheduled' && driverId)) {
      // Joined before the emit below, so both parties get `trip:accepted` through the trip room.
      realtime.joinUserToRoom(riderId, room);
      if (driverId) realtime.joinUserToRoom(driverId, room);
    }
    const payload = { tripId, from, to, version, at };
    const aliases = TYPED_ALIASES.has(to) ? [`trip:${to}`] : [];
    realtime.toRoom(room, 'trip:status_changed', payload, { aliases });
    // The rider's other sockets (not yet in the trip room) still hear about their trip.
    realtime.toUser(riderId, 'trip:status_changed', payload, { aliases, exceptRooms: [room] });
  });
  // Issue 16: the rider hears that their driver dropped out and the trip is searching again (same trip).
  bus.on('trip.reassigning', (e) => {
    const { tripId, riderId, droppedDriverId, reason, version, at } = e.payload;
    realtime.toUser(riderId, 'trip:reassigning', { tripId, reason, version, at });
    // The dropped driver hears the status change through the room (above), then nothing more of this trip.
    realtime.removeUserFromRoom(droppedDriverId, tripRoom(tripId));
  });
  bus.on('trip.schedule_update', (e) => {
    const { riderId, ...payload } = e.payload;
    realtime.toUser(riderId, 'trip:schedule_update', payload);
  });
  bus.on('trip.destination_changed', (e) => {
    const { tripId, dropoff, version } = e.payload;
    realtime.toRoom(tripRoom(tripId), 'trip:destination_changed', { tripId, dropoff, version });
  });
  bus.on('trip.stops_changed', (e) => {
    const { tripId, stops, version } = e.payload;
    realtime.toRoom(tripRoom(tripId), 'trip:stops_changed', { tripId, stops, version });
  });
  bus.on('trip.offers_withdrawn', (e) => {
    for (const driverId of e.payload.driverIds)
      realtime.toUser(driverId, 'trip:offer_withdrawn', { tripId: e.payload.tripId });
  });
}

/** `trip:subscribe` and the snapshots `sync` falls back to. */
function serveTripRooms(deps: RealtimeProjectionDeps, gateway: SocketGateway): void {
  const { db } = deps;
  const schema = z.object({ tripId: z.uuid() });
  gateway.events.register({
    name: 'trip:subscribe',
    summary: 'Join a trip’s room',
    schema,
    handle: async ({ socket, user }, { tripId }: z.infer<typeof schema>) => {
      await memberTrip(db, user, tripId);
      const room = tripRoom(tripId);
      await socket.join(room);
      return { room, seq: await gateway.currentSeq(room) };
    },
  });
  gateway.snapshots.register('trip', async (user, tripId) => {
    const row = await memberTrip(db, user, tripId);
    const position = row.driver_id ? await deps.hotState.getDriverPosition(row.driver_id) : null;
    const driverLocation = position
      ? { lat: position.lat, lng: position.lng, heading: position.heading, at: new Date(position.at).toISOString() }
      : null;
    return { trip: await viewTrip(db, row, user), driverLocation };
  });
  gateway.snapshots.register('user', async (user, userId) => {
    if (userId !== user.id) throw forbidden('Not your room');
    const { items } = await listTripsFor(db, user, { limit: 10 });
    return { activeTrips: items.filter((t) => ACTIVE_STATUSES.includes(t.status)) };
  });
  gateway.snapshots.register('admin', async () => ({}));
}

export function registerRealtimeProjections(deps: RealtimeProjectionDeps, gateway: SocketGateway): void {
  projectTripEvents(deps);
  serveTripRooms(deps, gateway);
}
