import { z } from 'zod';
import { STAFF_ACCESS } from '../../platform/http/route-config.js';
import type { SocketEventRegistry } from '../../platform/realtime/event-registry.js';
import type { FleetFeed } from './fleet-feed.js';

/** docs/api.md `fleet:watch` / `fleet:unwatch`: the console's live map, for staff who run the fleet. */
export function registerFleetSocketEvents(registry: SocketEventRegistry, feed: FleetFeed): void {
  registry.register({
    name: 'fleet:watch',
    summary: "Start the console's live map: a snapshot now, fleet:delta every tick",
    schema: z.strictObject({}),
    roles: STAFF_ACCESS.fleet,
    handle: ({ socket }) => feed.watch(socket),
  });
  registry.register({
    name: 'fleet:unwatch',
    summary: 'Stop the live map feed',
    schema: z.strictObject({}),
    roles: STAFF_ACCESS.fleet,
    handle: ({ socket }) => ({ watching: false, stopped: feed.unwatch(socket) }),
  });
}
