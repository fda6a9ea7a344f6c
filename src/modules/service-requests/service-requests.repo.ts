import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { DecodedCursor } from '../../platform/http/cursor.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';
import type { ServiceType } from '../../shared/index.js';

export const SERVICE_STATUSES = [
  'searching',
  'assigned',
  'en_route',
  'arrived',
  'quoted',
  'in_progress',
  'completed',
  'cancelled',
  'declined_quote',
  'no_providers',
] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export interface ServiceVehicle {
  make: string;
  model: string;
  plate?: string;
}

interface ServiceRequestsTable {
  id: Generated<string>;
  customer_id: string;
  provider_id: string | null;
  service_type: ServiceType;
  status: ServiceStatus;
  lat: number;
  lng: number;
  address: string | null;
  vehicle: ServiceVehicle;
  description: string | null;
  destination_lat: number | null;
  destination_lng: number | null;
  destination_address: string | null;
  payment_method: 'cash' | 'wallet' | 'card';
  tariff_version: number;
  tow_distance_m: number | null;
  estimate_items: Array<{ code: string; amount: number }>;
  estimate_total: number;
  completion_code: string;
  version: Generated<number>;
  status_actor_id: string | null;
  status_changed_at: Generated<Date>;
  cancel_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ServiceRequestRow = Selectable<ServiceRequestsTable>;
export type NewServiceRequest = Omit<Insertable<ServiceRequestsTable>, 'vehicle' | 'estimate_items'> & {
  vehicle: string;
  estimate_items: string;
};

const q = (db: DbHandle) => db.withTables<{ service_requests: ServiceRequestsTable }>();

export async function insertServiceRequest(db: DbHandle, row: NewServiceRequest): Promise<ServiceRequestRow> {
  return q(db)
    .insertInto('service_requests')
    .values(row as unknown as Insertable<ServiceRequestsTable>)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findServiceRequest(
  db: DbHandle,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<ServiceRequestRow | undefined> {
  const query = q(db).selectFrom('service_requests').selectAll().where('id', '=', id);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** Moves a request read at `version` (compare-and-set); undefined when someone moved it first. */
export async function compareAndSetServiceRequest(
  db: DbHandle,
  args: {
    id: string;
    version: number;
    set: Partial<Pick<ServiceRequestRow, 'status' | 'status_actor_id' | 'cancel_reason' | 'provider_id'>>;
  },
): Promise<ServiceRequestRow | undefined> {
  return q(db)
    .updateTable('service_requests')
    .set({
      ...args.set,
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
      status_changed_at: sql<Date>`now()`,
    })
    .where('id', '=', args.id)
    .where('version', '=', args.version)
    .returningAll()
    .executeTakeFirst();
}

export interface ServiceRequestPage {
  userId: string;
  side: 'customer' | 'provider' | 'all';
  status?: ServiceStatus;
  limit: number;
  after?: DecodedCursor;
}

/** Newest first, keyset on (created_at, id); one extra row tells whether another page exists. */
export async function listServiceRequests(db: DbHandle, page: ServiceRequestPage) {
  let query = q(db)
    .selectFrom('service_requests')
    .selectAll()
    .select(sql.raw<string>(EXACT_CREATED_AT_SQL).as('created_at_exact'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.side === 'customer') query = query.where('customer_id', '=', page.userId);
  if (page.side === 'provider') query = query.where('provider_id', '=', page.userId);
  if (page.status) query = query.where('status', '=', page.status);
  if (page.after) {
    const createdAt = sql<Date>`${page.after.at}::timestamptz`;
    const id = page.after.id;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.execute();
}

/** The provider's request they are heading to (assigned or en route), if any. */
export async function findRequestEnRouteFor(db: DbHandle, providerId: string) {
  return q(db)
    .selectFrom('service_requests')
    .select(['id', 'lat', 'lng', 'status'])
    .where('provider_id', '=', providerId)
    .where('status', 'in', ['assigned', 'en_route'])
    .executeTakeFirst();
}

/** Statuses in which a provider holds the job (migration 0043's provider_active_jobs, 0065's partial index). */
export const SERVICE_STATUSES_UNDER_WAY = ['assigned', 'en_route', 'arrived', 'quoted', 'in_progress'] as const;

/** Every job a provider holds, with its breakdown point: the console's live map draws provider→breakdown lines. */
export async function serviceJobsUnderWay(db: DbHandle) {
  const rows = await q(db)
    .selectFrom('service_requests')
    .select(['id', 'provider_id', 'status', 'service_type', 'lat', 'lng'])
    .where('status', 'in', [...SERVICE_STATUSES_UNDER_WAY])
    .execute();
  return rows.flatMap((r) =>
    r.provider_id
      ? [
          {
            id: r.id,
            providerId: r.provider_id,
            status: r.status,
            serviceType: r.service_type,
            breakdown: { lat: r.lat, lng: r.lng },
          },
        ]
      : [],
  );
}
