import { z } from 'zod';
import type { Db } from '../platform/db/database.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { STAFF_ACCESS } from '../platform/http/route-config.js';
import type { HttpApp } from '../platform/http/server.js';
import { AdminDriverSchema } from '../modules/drivers/index.js';
import { driverOverview } from './driver-overview.js';
import { searchTrips } from './trip-search.js';

const LatLng = z.object({ lat: z.number(), lng: z.number() });
const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const TripSearchQuery = z
  .object({
    q: z.string().trim().min(1).max(100).optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .refine((s) => !s.from || !s.to || s.from < s.to, { message: 'from must be before to', path: ['from'] });
const TripHit = z.object({
  id: z.uuid(),
  status: z.string(),
  riderId: z.uuid(),
  driverId: z.uuid().nullable(),
  vehicleClass: z.string(),
  pickup: LatLng,
  dropoff: LatLng,
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
const DriverOverviewSchema = z.object({
  driver: AdminDriverSchema,
  today: z.object({
    day: z.string(),
    tripsCompleted: z.number().int(),
    earnings: z.object({ amount: z.number().int(), currency: z.string() }),
    offersAnswered: z.number().int(),
    offersAccepted: z.number().int(),
    acceptance: z.number().nullable(),
    onlineSeconds: z.number().int(),
  }),
});

/** The console's trip search (issue 19.4) and driver page (issue 19.5): reads across modules, beside their flows. */
export function registerConsoleFleetRoutes(app: HttpApp, deps: { db: Db }) {
  app.get(
    '/api/v1/admin/trips',
    {
      schema: {
        summary: 'Search trips by id, phone, plate or time window',
        tags: ['admin'],
        querystring: TripSearchQuery,
        response: { 200: envelopeOf(z.array(TripHit)) },
      },
      config: { auth: STAFF_ACCESS.trips },
    },
    async (request, reply) => {
      const { items, nextCursor } = await searchTrips(deps.db, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
  app.get(
    '/api/v1/admin/drivers/:id/overview',
    {
      schema: {
        summary: "Get a driver's profile and today's trips, earnings, acceptance and online time",
        tags: ['admin'],
        params: z.object({ id: z.uuid() }),
        response: { 200: envelopeOf(DriverOverviewSchema) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) => sendOk(reply, await driverOverview(deps.db, request.params.id)),
  );
}
