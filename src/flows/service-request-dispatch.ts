import type { EventBus } from '../platform/events/bus.js';
import type { HotState } from '../platform/hotstate/index.js';
import { driverStates } from '../modules/drivers/index.js';
import { tripOffers } from '../modules/trips/index.js';

/** A request in one of these holds its provider (migration 0043's active statuses). */
const HOLDS_PROVIDER = new Set(['assigned', 'en_route', 'arrived', 'quoted', 'in_progress']);

/**
 * Keeps providers' dispatch state in step with their service requests, whichever flow moves a request (the
 * lifecycle moves live in the service-requests module and know nothing of dispatch):
 * - a search that ends without an assignment (the customer cancels) closes its open offers and frees those
 *   providers in the same transaction;
 * - a job that ends (completed, cancelled, quote declined) frees its provider (busy → available);
 * - hot-state availability follows, so the geo search skips busy providers (as for rides).
 */
export function registerServiceDispatchHooks({ bus, hotState }: { bus: EventBus; hotState: HotState }) {
  bus.onRecorded('service_request.status_changed', async (tx, { payload: p }) => {
    if (p.from === 'searching' && p.to !== 'assigned') {
      const closed = await tripOffers.closePending(tx, p.requestId, 'withdrawn');
      await driverStates.releaseOffered(tx, closed, { missed: false });
    }
    if (p.providerId && HOLDS_PROVIDER.has(p.from) && !HOLDS_PROVIDER.has(p.to))
      await driverStates.transition(tx, { userId: p.providerId, from: ['busy'], to: 'available' });
  });
  bus.on('service_request.status_changed', async ({ payload: p }) => {
    if (!p.providerId) return;
    if (p.to === 'assigned') await hotState.setDriverAvailability(p.providerId, false);
    else if (HOLDS_PROVIDER.has(p.from) && !HOLDS_PROVIDER.has(p.to))
      await hotState.setDriverAvailability(p.providerId, true);
  });
}
