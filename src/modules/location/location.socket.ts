import type { SocketEventRegistry } from '../../platform/realtime/event-registry.js';
import { z } from 'zod';
import { LocationPointSchema, NearbyWatchRequest, StopRequest } from './location.schema.js';
import type { LocationService } from './location.service.js';
import type { NearbyWatchers } from './nearby-watch.js';

/**
 * API.md client events. Sockets are throttled by coalescing (< 2 s apart ⇒
 * `accepted:false`) and the per-socket event limit instead of the HTTP limit.
 */
export function registerLocationSocketEvents(
  registry: SocketEventRegistry,
  { service, watchers }: { service: LocationService; watchers: NearbyWatchers },
): void {
  registry.register({
    name: 'driver:location_update',
    summary: 'Report the driver’s position',
    schema: LocationPointSchema,
    roles: ['driver'],
    // mechanic:location_update is first-class since issue 18 (flows/service-request-location.ts).
    legacyNames: ['location:update'],
    // The first to go under load: the driver's next fix (seconds later) replaces a dropped one.
    shedding: 'first',
    // The ack says whether the fix was taken and, if not, why (coalesced, stale, speed, accuracy, mock).
    handle: ({ user }, point) => service.update(user.id, point, 'socket'),
  });
  registry.register({
    name: 'driver:location_stop',
    summary: 'Stop sharing the driver’s position',
    schema: StopRequest,
    roles: ['driver'],
    handle: ({ user }) => service.stop(user.id),
  });
  registry.register({
    name: 'nearby:watch',
    summary: 'Watch available drivers around a point',
    schema: NearbyWatchRequest,
    roles: ['rider'],
    handle: ({ socket }, query) => watchers.watch(socket, query),
  });
  registry.register({
    name: 'nearby:unwatch',
    summary: 'Stop watching nearby drivers',
    schema: z.strictObject({}),
    roles: ['rider'],
    handle: ({ socket }) => ({ watching: false, stopped: watchers.unwatch(socket) }),
  });
}
