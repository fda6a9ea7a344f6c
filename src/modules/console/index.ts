export { registerConsolePages, consoleCsp, CONSOLE_DIST } from './console-static.js';
export { ensureConsoleBuilt } from './console-build.js';
export { registerConsoleSessionRoutes, CONSOLE_SESSION_PATH, REFRESH_COOKIE } from './console-session.routes.js';
export { FleetFeed, FLEET_TICK_MS, FLEET_STALE_MS } from './fleet-feed.js';
export type { FleetDelta, FleetSnapshot, MarkerUpdate } from './fleet-state.js';
export { registerFleetSocketEvents } from './fleet.socket.js';
