import type { Db } from '../platform/db/database.js';
import type { AuthUser } from '../platform/http/route-config.js';
import { chatLog } from '../modules/chat/index.js';
import { offerDeliveriesOf } from '../modules/dispatch/index.js';
import { noticesAbout } from '../modules/notifications/index.js';
import type { LocationService } from '../modules/location/index.js';
import type { LabelLanguage } from '../modules/pricing/index.js';
import { getVisibleTrip } from '../modules/trips/index.js';
import { traceEvents, traceTransfers } from './trace-common.js';
import { tracePrice } from './trip-trace-price.js';

/** The console shows a trip's story in one page; longer chats are cut here. */
const TRACE_CHAT_LIMIT = 500;

export interface TraceDeps {
  db: Db;
  route: Pick<LocationService, 'tripRoute'>;
}

/**
 * Issue 19.4: one trip's trace for the console — its status changes and other events with their actors, each
 * dispatch round's offers (score, distance, answer) and each push's delivery, the progress notices to rider and
 * driver with their delivery, the quoted and charged price
 * lines, the ledger transfers that reference it, and the route.
 * Reads only, from several modules, hence a flow.
 */
export async function traceTrip(deps: TraceDeps, input: { viewer: AuthUser; tripId: string; language: LabelLanguage }) {
  const { db } = deps;
  const trip = await getVisibleTrip(db, input.tripId, input.viewer);
  const userIds = [trip.rider_id, ...(trip.driver_id ? [trip.driver_id] : [])];
  const [events, offers, transfers, route, chat, price, notices] = await Promise.all([
    traceEvents(db, trip.id),
    offerDeliveriesOf(db, trip.id),
    traceTransfers(db, `trip:${trip.id}`),
    deps.route.tripRoute(input.viewer, trip.id),
    chatLog(db, trip.id, TRACE_CHAT_LIMIT),
    tracePrice(db, { viewer: input.viewer, trip, language: input.language }),
    noticesAbout(db, { userIds, subject: { tripId: trip.id } }),
  ]);
  return {
    trip: {
      id: trip.id,
      status: trip.status,
      riderId: trip.rider_id,
      driverId: trip.driver_id,
      createdAt: trip.created_at.toISOString(),
      pickup: { lat: trip.pickup_lat, lng: trip.pickup_lng },
      dropoff: { lat: trip.dropoff_lat, lng: trip.dropoff_lng },
    },
    events,
    offers,
    price,
    notices,
    transfers,
    route,
    chat,
  };
}
