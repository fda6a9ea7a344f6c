import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { numberArrayLiteral, uuidArrayLiteral, type HistoryChunk } from './history-chunk.js';

/** A last-known position (driver_locations row) as buffered in memory. */
export interface LatestPositionRow {
  driverId: string;
  lat: number;
  lng: number;
  heading: number | null;
  speed: number | null;
  accuracy: number | null;
  recordedAt: number;
}

/** [lat, lng, epochMs], the compact form stored in trip_routes.points. */
export type StoredRoutePoint = [number, number, number];

export interface RouteHeader {
  tripId: string;
  pointCount: number;
  stride: number;
  seen: number;
  distanceM: number;
  last: { lat: number; lng: number; at: number } | null;
}

export interface RouteWrite extends RouteHeader {
  /** Points to append, or the whole (down-sampled) list when `replace`. */
  points: StoredRoutePoint[];
  replace: boolean;
}

const toDates = (ms: number[]) => ms.map((m) => new Date(m));

/** One multi-row upsert; an older fix never overwrites a newer one (two nodes may flush out of order). */
export async function upsertDriverLocations(db: DbHandle, rows: LatestPositionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const numbers = (pick: (r: LatestPositionRow) => number | null) =>
    numberArrayLiteral(rows.map((r) => pick(r) ?? NaN));
  await sql`
    INSERT INTO driver_locations (driver_id, lat, lng, heading, speed, accuracy, recorded_at, stopped_at, updated_at)
    SELECT d, la, ln, nullif(h, 'NaN'), nullif(s, 'NaN'), nullif(a, 'NaN'), to_timestamp(r / 1000), NULL, now()
    FROM unnest(${uuidArrayLiteral(rows.map((r) => r.driverId))}::uuid[], ${numbers((r) => r.lat)}::float8[],
      ${numbers((r) => r.lng)}::float8[],
                ${numbers((r) => r.heading)}::real[], ${numbers((r) => r.speed)}::real[],
                  ${numbers((r) => r.accuracy)}::real[],
                ${numbers((r) => r.recordedAt)}::float8[]) AS x(d, la, ln, h, s, a, r)
    ON CONFLICT (driver_id) DO UPDATE SET
      lat = excluded.lat, lng = excluded.lng, heading = excluded.heading, speed = excluded.speed,
      accuracy = excluded.accuracy, recorded_at = excluded.recorded_at, stopped_at = NULL, updated_at = now()
    WHERE driver_locations.recorded_at <= excluded.recorded_at`.execute(db);
}

/** driver:location_stop: keeps the position, stamps when sharing stopped. */
export async function stampStopped(db: DbHandle, stops: Array<{ driverId: string; stoppedAt: number }>): Promise<void> {
  if (stops.length === 0) return;
  await sql`
    UPDATE driver_locations AS l SET stopped_at = x.t, updated_at = now()
    FROM unnest(${stops.map((s) => s.driverId)}::uuid[], ${toDates(stops.map((s) => s.stoppedAt))}::timestamptz[]) AS
      x(d, t)
    WHERE l.driver_id = x.d AND l.recorded_at <= x.t`.execute(db);
}

/** One chunk, one statement: columns arrive as array literals (NaN = not reported), epoch ms become timestamps here. */
export async function insertHistory(db: DbHandle, chunk: HistoryChunk): Promise<void> {
  if (chunk.length === 0) return;
  await sql`
    INSERT INTO location_history (driver_id, recorded_at, lat, lng, heading, speed, accuracy, trip_id)
    SELECT d, to_timestamp(r / 1000), la, ln, nullif(h, 'NaN'), nullif(s, 'NaN'), nullif(a, 'NaN'), t
    FROM unnest(${uuidArrayLiteral(chunk.driverIds)}::uuid[], ${numberArrayLiteral(chunk.at)}::float8[],
                ${numberArrayLiteral(chunk.lat)}::float8[], ${numberArrayLiteral(chunk.lng)}::float8[],
                  ${numberArrayLiteral(chunk.heading)}::real[],
                ${numberArrayLiteral(chunk.speed)}::real[], ${numberArrayLiteral(chunk.accuracy)}::real[],
                  ${uuidArrayLiteral(chunk.tripIds)}::uuid[])
         AS x(d, r, la, ln, h, s, a, t)`.execute(db);
}

export const partitionName = (day: Date) => `location_history_${day.toISOString().slice(0, 10).replaceAll('-', '')}`;

/** Creates the UTC-day partition holding `day` (idempotent). */
export async function createHistoryPartition(db: DbHandle, day: Date): Promise<void> {
  const from = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
  const to = new Date(from.getTime() + 86_400_000);
  await sql`CREATE TABLE IF NOT EXISTS ${sql.id(partitionName(from))} PARTITION OF location_history
            FOR VALUES FROM (${sql.lit(from.toISOString())}) TO (${sql.lit(to.toISOString())})`.execute(db);
}

/** Last-known positions nobody refreshed for a long time (driver left the platform). */
export async function deleteDriverLocationsBefore(db: DbHandle, before: Date): Promise<number> {
  const res = await sql`DELETE FROM driver_locations WHERE recorded_at < ${before}`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

interface HeaderRow {
  trip_id: string;
  point_count: number;
  stride: number;
  seen: number;
  distance_m: number;
  last_lat: number | null;
  last_lng: number | null;
  last_at: Date | null;
}

/** Locks the route rows of these trips for the rest of the transaction (two nodes flushing the same trip serialize). */
export async function lockRouteHeaders(tx: DbHandle, tripIds: string[]): Promise<Map<string, RouteHeader>> {
  const res = await sql<HeaderRow>`
    SELECT trip_id, point_count, stride, seen, distance_m, last_lat, last_lng, last_at
    FROM trip_routes WHERE trip_id = ANY(${tripIds}::uuid[]) FOR UPDATE`.execute(tx);
  return new Map(
    res.rows.map((r) => [
      r.trip_id,
      {
        tripId: r.trip_id,
        pointCount: r.point_count,
        stride: r.stride,
        seen: Number(r.seen),
        distanceM: r.distance_m,
        last:
          r.last_lat === null || r.last_lng === null || !r.last_at
            ? null
            : { lat: r.last_lat, lng: r.last_lng, at: r.last_at.getTime() },
      },
    ]),
  );
}

export async function readRoutePoints(db: DbHandle, tripIds: string[]): Promise<Map<string, StoredRoutePoint[]>> {
  if (tripIds.length === 0) return new Map();
  const res = await sql<{ trip_id: string; points: StoredRoutePoint[] }>`
    SELECT trip_id, points FROM trip_routes WHERE trip_id = ANY(${tripIds}::uuid[])`.execute(db);
  return new Map(res.rows.map((r) => [r.trip_id, r.points]));
}

function recordset(rows: RouteWrite[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      trip_id: r.tripId,
      points: r.points,
      replace: r.replace,
      point_count: r.pointCount,
      stride: r.stride,
      seen: r.seen,
      distance_m: r.distanceM,
      last_lat: r.last?.lat ?? null,
      last_lng: r.last?.lng ?? null,
      last_at: r.last ? new Date(r.last.at).toISOString() : null,
    })),
  );
}

const ROUTE_COLUMNS = sql`x(trip_id uuid, points jsonb, replace boolean, point_count int, stride int, seen bigint,
                           distance_m float8, last_lat float8, last_lng float8, last_at timestamptz)`;

/** Rows that existed (and are locked): set the computed header, append or replace the points. */
export async function updateRoutes(tx: DbHandle, rows: RouteWrite[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    UPDATE trip_routes AS r SET
      points = CASE WHEN x.replace THEN x.points ELSE r.points || x.points END,
      point_count = x.point_count, stride = x.stride, seen = x.seen, distance_m = x.distance_m,
      last_lat = x.last_lat, last_lng = x.last_lng, last_at = x.last_at, updated_at = now()
    FROM jsonb_to_recordset(${recordset(rows)}::jsonb) AS ${ROUTE_COLUMNS}
    WHERE r.trip_id = x.trip_id`.execute(tx);
}

/**
 * First points of a trip. Two nodes starting the same route at once both
 * insert; the loser's points are appended (its first segment's distance,
 * metres at most, is the only thing lost).
 */
export async function insertRoutes(tx: DbHandle, rows: RouteWrite[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO trip_routes (trip_id, points, point_count, stride, seen, distance_m, last_lat, last_lng, last_at)
    SELECT trip_id, points, point_count, stride, seen, distance_m, last_lat, last_lng, last_at
    FROM jsonb_to_recordset(${recordset(rows)}::jsonb) AS ${ROUTE_COLUMNS}
    ON CONFLICT (trip_id) DO UPDATE SET
      points = trip_routes.points || excluded.points, point_count = trip_routes.point_count + excluded.point_count,
      seen = trip_routes.seen + excluded.seen, distance_m = trip_routes.distance_m + excluded.distance_m,
      last_lat = excluded.last_lat, last_lng = excluded.last_lng, last_at = excluded.last_at, updated_at = now()`.execute(
    tx,
  );
}

export interface StoredRoute {
  points: StoredRoutePoint[];
  distanceM: number;
  last: { lat: number; lng: number; at: number } | null;
}

export async function findRoute(db: DbHandle, tripId: string): Promise<StoredRoute | null> {
  const res = await sql<{
    points: StoredRoutePoint[];
    distance_m: number;
    last_lat: number | null;
    last_lng: number | null;
    last_at: Date | null;
  }>`
    SELECT points, distance_m, last_lat, last_lng, last_at FROM trip_routes WHERE trip_id = ${tripId}`.execute(db);
  const row = res.rows[0];
  if (!row) return null;
  const last =
    row.last_lat === null || row.last_lng === null || !row.last_at
      ? null
      : { lat: row.last_lat, lng: row.last_lng, at: row.last_at.getTime() };
  return { points: row.points, distanceM: row.distance_m, last };
}

/** Erasure: where the driver was. Trip routes stay with their trips (fares and disputes need them). */
export async function eraseLocationDataOf(db: DbHandle, driverId: string): Promise<void> {
  await sql`DELETE FROM driver_locations WHERE driver_id = ${driverId}`.execute(db);
  await sql`DELETE FROM location_history WHERE driver_id = ${driverId}`.execute(db);
}

/** Daily partitions of `location_history` in the current schema; null when the table does not exist (yet). */
export async function listLocationHistoryPartitions(
  db: DbHandle,
): Promise<{ schema: string; partitions: string[] } | null> {
  const parent = await sql<{ schema: string }>`
    SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = 'location_history' AND n.nspname = current_schema()`.execute(db);
  const schema = parent.rows[0]?.schema;
  if (!schema) return null;
  const children = await sql<{ name: string }>`
    SELECT child.relname AS name
    FROM pg_inherits i
    JOIN pg_class parent ON parent.oid = i.inhparent
    JOIN pg_namespace pn ON pn.oid = parent.relnamespace
    JOIN pg_class child ON child.oid = i.inhrelid
    WHERE parent.relname = 'location_history' AND pn.nspname = ${schema}`.execute(db);
  return { schema, partitions: children.rows.map((r) => r.name) };
}

export async function dropPartition(db: DbHandle, schema: string, name: string): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.id(schema, name)}`.execute(db);
}

/**
 * Seconds a driver was online in [from, to), from their stored fixes: the time between consecutive fixes at most
 * `maxGapS` apart (a longer silence is time offline: presence lapses after 30 s without a fix).
 */
export async function onlineSecondsBetween(
  db: DbHandle,
  d: { driverId: string; from: Date; to: Date; maxGapS: number },
) {
  const { rows } = await sql<{ seconds: number }>`
    SELECT coalesce(sum(gap), 0)::float8 AS seconds FROM (
      SELECT extract(epoch FROM recorded_at - lag(recorded_at) OVER (ORDER BY recorded_at)) AS gap
      FROM location_history
      WHERE driver_id = ${d.driverId} AND recorded_at >= ${d.from} AND recorded_at < ${d.to}
    ) fixes
    WHERE gap <= ${d.maxGapS}`.execute(db);
  return Math.round(rows[0]?.seconds ?? 0);
}

/**
 * A driver's stored fixes in [from, to], oldest first, thinned to at most `max` evenly spaced ones (the last fix is
 * always kept so the line ends where the driver was). Reads the (driver_id, recorded_at) index.
 */
export async function findTrail(db: DbHandle, t: { driverId: string; from: Date; to: Date; max: number }) {
  const { rows } = await sql<{ lat: number; lng: number; at: Date }>`
    SELECT lat, lng, recorded_at AS at FROM (
      SELECT lat, lng, recorded_at, row_number() OVER (ORDER BY recorded_at) - 1 AS i, count(*) OVER () AS n
      FROM location_history
      WHERE driver_id = ${t.driverId} AND recorded_at >= ${t.from} AND recorded_at <= ${t.to}
    ) fixes
    WHERE i % greatest(1, ceil(n::float8 / ${t.max})::int) = 0 OR i = n - 1
    ORDER BY recorded_at`.execute(db);
  return rows;
}
