import type { Db } from '../platform/db/database.js';
import type { RealtimeEmitter } from '../platform/realtime/emitter.js';
import type { SocketEventRegistry } from '../platform/realtime/event-registry.js';
import { LocationPointSchema, StopRequest, type LocationService } from '../modules/location/index.js';
import { estimateRoute } from '../modules/pricing/index.js';
import { requestAwaitingProvider } from '../modules/service-requests/index.js';
import { requestRoom } from './service-request-projections.js';

/** As `trip:eta_update`: an ETA changes slowly, one every 5 s is enough for the customer's screen. */
export const REQUEST_ETA_INTERVAL_MS = 5_000;
const PRUNE_ABOVE = 10_000;

interface Deps {
  db: Db;
  realtime: RealtimeEmitter;
  location: LocationService;
}

/**
 * Seed plan's provider events, first-class (issue 18 #4): `mechanic:location_update` / `mechanic:location_stop`
 * go through the same validation, throttle and persistence as the driver's; while the provider heads to a service
 * request, its customer also gets `request:eta_update` (≤ 1 per 5 s) and hears when the provider stops sharing.
 */
export function registerMechanicLocationEvents(registry: SocketEventRegistry, deps: Deps): void {
  const lastEta = new Map<string, number>();
  const sendEta = async (providerId: string, fix: { lat: number; lng: number }) => {
    const request = await requestAwaitingProvider(deps.db, providerId);
    const now = Date.now();
    if (!request || now - (lastEta.get(request.id) ?? 0) < REQUEST_ETA_INTERVAL_MS) return;
    if (lastEta.size > PRUNE_ABOVE) lastEta.clear();
    lastEta.set(request.id, now);
    const eta = estimateRoute(fix, { lat: request.lat, lng: request.lng });
    const payload = { requestId: request.id, etaS: eta.durationS, distanceM: eta.distanceM };
    deps.realtime.toRoom(requestRoom(request.id), 'request:eta_update', payload);
  };
  registry.register({
    name: 'mechanic:location_update',
    summary: "A provider's position on the way to a service request (as driver:location_update)",
    schema: LocationPointSchema,
    roles: ['driver'],
    // Like driver:location_update: the first to go under load, the next fix replaces a dropped one.
    shedding: 'first',
    handle: async ({ user }, point) => {
      const result = await deps.location.update(user.id, point, 'socket');
      if (result.accepted) await sendEta(user.id, point);
      return result;
    },
  });
  registry.register({
    name: 'mechanic:location_stop',
    summary: 'The provider stops sharing location; the customer hears request:provider_location_stopped',
    schema: StopRequest,
    roles: ['driver'],
    handle: async ({ user }) => {
      const stopped = await deps.location.stop(user.id);
      const request = await requestAwaitingProvider(deps.db, user.id);
      if (request)
        deps.realtime.toRoom(requestRoom(request.id), 'request:provider_location_stopped', {
          requestId: request.id,
          providerId: user.id,
          at: stopped.stoppedAt,
        });
      return stopped;
    },
  });
}
