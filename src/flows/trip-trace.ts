import type { Db } from '../platform/db/database.js';
import { listAggregateEvents } from '../platform/events/events.repo.js';
import type { AuthUser } from '../platform/http/route-config.js';
import { tripChatLog } from '../modules/chat/index.js';
import { offerDeliveriesOf } from '../modules/dispatch/index.js';
import { transfersReferencing } from '../modules/ledger/index.js';
import type { LocationService } from '../modules/location/index.js';
import { getVisibleTrip } from '../modules/trips/index.js';

/** The console shows a trip's story in one page; longer histories are cut here (GET /admin/events pages on). */
const TRACE_EVENTS_LIMIT = 500;
const TRACE_CHAT_LIMIT = 500;

export interface TraceDeps {
  db: Db;
  route: Pick<LocationService, 'tripRoute'>;
}

/**
 * Issue 19.4: one trip's trace for the console — its status changes and other events with their actors, each
 * dispatch round's offers and how they reached the driver, the ledger transfers that reference it, and the route.
 * Reads only, from several modules, hence a flow.
 */
export async function traceTrip(deps: TraceDeps, input: { viewer: AuthUser; tripId: string }) {
  const { db } = deps;
  const trip = await getVisibleTrip(db, input.tripId, input.viewer);
  const [events, offers, transfers, route, chat] = await Promise.all([
    listAggregateEvents(db, { aggregateId: trip.id, afterSeq: 0, limit: TRACE_EVENTS_LIMIT }),
    offerDeliveriesOf(db, trip.id),
    transfersReferencing(db, `trip:${trip.id}`),
    deps.route.tripRoute(input.viewer, trip.id),
    tripChatLog(db, trip.id, TRACE_CHAT_LIMIT),
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
    events: events.slice(0, TRACE_EVENTS_LIMIT).map((e) => ({
      seq: e.seq,
      type: e.type,
      actorId: e.actor_id,
      createdAt: e.created_at.toISOString(),
      payload: e.payload,
    })),
    offers,
    transfers: transfers.map((t) => ({ ...t, at: t.at.toISOString() })),
    route,
    chat,
  };
}
