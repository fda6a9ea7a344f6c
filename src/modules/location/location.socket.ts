import type { SocketEventRegistry } from '../../platform/realtime/event-registry.js';
import { LocationPointSchema, StopRequest } from './location.schema.js';
import type { LocationService } from './location.service.js';

/**
 * API.md client events. Sockets are throttled by coalescing (< 2 s apart ⇒
 * `accepted:false`) and the per-socket event limit instead of the HTTP limit.
 */
export function registerLocationSocketEvents(registry: SocketEventRegistry, service: LocationService): void {
  registry.register({
    name: 'driver:location_update',
    schema: LocationPointSchema,
    roles: ['driver'],
    legacyNames: ['location:update', 'mechanic:location_update'],
    handle: async ({ user }, point) => ({ accepted: (await service.update(user.id, point, 'socket')).accepted }),
  });
  registry.register({
    name: 'driver:location_stop',
    schema: StopRequest,
    roles: ['driver'],
    legacyNames: ['mechanic:location_stop'],
    handle: ({ user }) => service.stop(user.id),
  });
}
