import type { Redis, Result } from 'ioredis';
import { compareNearby, haversineM, makeDriverFilter } from './geo.js';
import type { DriverPosition, DriverPositionInput, NearbyDriver, NearestDriversQuery } from './hotstate.js';

/**
 * Redis geo layout (all keys share the `{geo}` hash tag so the scripts below
 * touch one Redis Cluster slot; sharding by city = one tag per city later):
 *   <p>{geo}:all        GEO set of every driver   — class-less queries
 *   <p>{geo}:c:<class>  GEO set per vehicle class — class queries scan only that class
 *   <p>{geo}:d:<id>     HASH lat lng h(eading) c(lass) a(vailable) t(at ms)
 * Writing two GEO sets costs one extra ZADD inside the same script, whereas a
 * single set filtered afterwards would make a query for a rare class (say
 * premium at 5 %) over-fetch ~20×. Exact lat/lng live in the hash: GEO
 * coordinates are 52-bit geohashes (±0.3 m), and results are re-measured from
 * the exact values so they match the memory adapter (and brute force) exactly.
 */

/** Bound on |Redis geohash distance − exact distance| (geohash cells are ≤ 0.6 m across, WITHDIST rounds to 0.1 mm). */
const GEO_SLACK_M = 1;
/** First GEOSEARCH fetches limit × this, leaving room for stale/busy/excluded drivers. */
const OVERFETCH_FACTOR = 3;
/** When too few candidates survive filtering, the next GEOSEARCH fetches this many times more. */
const WIDEN_FACTOR = 4;
const DRIVER_FIELDS = ['lat', 'lng', 'h', 'c', 'a', 't'] as const;

// The class a driver is leaving is only known inside Redis, so the scripts build
// that key from a prefix (same hash tag ⇒ same slot, so this stays cluster-safe).
const UPSERT_LUA = `
-- KEYS: driver hash, all-drivers GEO, class GEO
-- ARGV: id, GEO lng, lat, heading, class, available, at, class-key prefix, exact lng
local old = redis.call('HGET', KEYS[1], 'c')
if old and old ~= ARGV[5] then redis.call('ZREM', ARGV[8] .. old, ARGV[1]) end
redis.call('GEOADD', KEYS[2], ARGV[2], ARGV[3], ARGV[1])
redis.call('GEOADD', KEYS[3], ARGV[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'lat', ARGV[3], 'lng', ARGV[9], 'h', ARGV[4], 'c', ARGV[5], 'a', ARGV[6], 't', ARGV[7])
return 1`;

const REMOVE_LUA = `
-- KEYS: driver hash, all-drivers GEO; ARGV: id, class-key prefix
local old = redis.call('HGET', KEYS[1], 'c')
if old then redis.call('ZREM', ARGV[2] .. old, ARGV[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])`;

// HSET alone would resurrect a half-filled hash for a driver removed meanwhile.
const AVAILABILITY_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'a', ARGV[1])
return 1`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hotstateUpsertDriver(
      ...args: [
        driverKey: string,
        allKey: string,
        classKey: string,
        id: string,
        geoLng: number,
        lat: number,
        heading: string,
        vehicleClass: string,
        available: string,
        at: number,
        classKeyPrefix: string,
        lng: number,
      ]
    ): Result<number, Context>;
    hotstateRemoveDriver(
      driverKey: string,
      allKey: string,
      id: string,
      classKeyPrefix: string,
    ): Result<number, Context>;
    hotstateSetAvailability(driverKey: string, available: string): Result<number, Context>;
  }
}

/**
 * Redis 7.0 GEOSEARCH misses neighbours across the antimeridian when the centre
 * or a member sits exactly on lng 180 (verified against 7.0.15); −180 is the
 * same meridian and works. The hash keeps the caller's value.
 */
const geoLng = (lng: number) => (lng === 180 ? -180 : lng);

interface Hit {
  id: string;
  dist: number;
}

function parseDriver(driverId: string, f: Array<string | null>): DriverPosition | null {
  const [lat, lng, h, c, a, t] = f;
  if (lat == null || lng == null || c == null || t == null) return null; // removed between search and read
  return {
    driverId,
    lat: Number(lat),
    lng: Number(lng),
    heading: h ? Number(h) : null,
    vehicleClass: c,
    available: a === '1',
    at: Number(t),
  };
}

/** Hashes read per pipeline when listing every driver: bounds one reply's size (10k drivers ≈ 10 round trips). */
const READ_CHUNK = 1_000;

export class RedisGeoIndex {
  private readonly allKey: string;
  private readonly classPrefix: string;
  /** What the scripts must prepend themselves: ioredis' own keyPrefix only rewrites declared KEYS. */
  private readonly scriptClassPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.allKey = `${prefix}{geo}:all`;
    this.classPrefix = `${prefix}{geo}:c:`;
    this.scriptClassPrefix = `${redis.options.keyPrefix ?? ''}${this.classPrefix}`;
    redis.defineCommand('hotstateUpsertDriver', { numberOfKeys: 3, lua: UPSERT_LUA });
    redis.defineCommand('hotstateRemoveDriver', { numberOfKeys: 2, lua: REMOVE_LUA });
    redis.defineCommand('hotstateSetAvailability', { numberOfKeys: 1, lua: AVAILABILITY_LUA });
  }

  private driverKey(id: string): string {
    return `${this.prefix}{geo}:d:${id}`;
  }

  async upsert(p: DriverPositionInput): Promise<void> {
    const heading = p.heading == null ? '' : String(p.heading);
    await this.redis.hotstateUpsertDriver(
      this.driverKey(p.driverId),
      this.allKey,
      this.classPrefix + p.vehicleClass,
      p.driverId,
      geoLng(p.lng),
      p.lat,
      heading,
      p.vehicleClass,
      p.available ? '1' : '0',
      p.at,
      this.scriptClassPrefix,
      p.lng,
    );
  }

  async remove(driverId: string): Promise<void> {
    await this.redis.hotstateRemoveDriver(this.driverKey(driverId), this.allKey, driverId, this.scriptClassPrefix);
  }

  async setAvailability(driverId: string, available: boolean): Promise<void> {
    await this.redis.hotstateSetAvailability(this.driverKey(driverId), available ? '1' : '0');
  }

  async get(driverId: string): Promise<DriverPosition | null> {
    const fields = await this.redis.hmget(this.driverKey(driverId), ...DRIVER_FIELDS);
    return parseDriver(driverId, fields);
  }

  /**
   * GEOSEARCH over-fetches, the hashes are read in one pipeline, and filters
   * run here. If the fetch was cut by COUNT, only drivers clearly closer than
   * the last hit are trusted (anything unfetched is at least that far), and
   * when fewer than `limit` survive the search widens.
   */
  async findNearest(q: NearestDriversQuery, now: number): Promise<NearbyDriver[]> {
    if (q.limit === 0) return [];
    const accept = makeDriverFilter(q, now);
    let count = q.limit * OVERFETCH_FACTOR + (q.excludeIds?.length ?? 0);
    for (;;) {
      const hits = await this.search(q, count);
      const truncated = hits.length >= count;
      const cutoff = truncated ? hits[hits.length - 1]!.dist - GEO_SLACK_M : Infinity;
      const drivers = await this.readMany(hits.map((h) => h.id));
      const found: NearbyDriver[] = [];
      for (const d of drivers) {
        if (d === null || !accept(d)) continue;
        const distanceM = haversineM(q.lat, q.lng, d.lat, d.lng);
        if (distanceM <= q.radiusM && distanceM < cutoff)
          found.push({
            driverId: d.driverId,
            lat: d.lat,
            lng: d.lng,
            heading: d.heading,
            vehicleClass: d.vehicleClass,
            distanceM,
            at: d.at,
          });
      }
      if (found.length >= q.limit || !truncated) return found.sort(compareNearby).slice(0, q.limit);
      count *= WIDEN_FACTOR;
    }
  }

  /** Every member of the all-drivers set, its hashes read in pipelines of READ_CHUNK. */
  async all(): Promise<DriverPosition[]> {
    const ids = await this.redis.zrange(this.allKey, 0, -1);
    const out: DriverPosition[] = [];
    for (let i = 0; i < ids.length; i += READ_CHUNK)
      for (const d of await this.readMany(ids.slice(i, i + READ_CHUNK))) if (d) out.push(d);
    return out;
  }

  private async search(q: NearestDriversQuery, count: number): Promise<Hit[]> {
    const key = q.vehicleClass === undefined ? this.allKey : this.classPrefix + q.vehicleClass;
    // The slack keeps drivers exactly on the radius that the geohash rounding would push just outside.
    const raw = (await this.redis.geosearch(
      key,
      'FROMLONLAT',
      geoLng(q.lng),
      q.lat,
      'BYRADIUS',
      q.radiusM + GEO_SLACK_M,
      'm',
      'ASC',
      'COUNT',
      count,
      'WITHDIST',
    )) as Array<[string, string]>;
    return raw.map(([id, dist]) => ({ id, dist: Number(dist) }));
  }

  private async readMany(ids: string[]): Promise<Array<DriverPosition | null>> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.driverKey(id), ...DRIVER_FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, fields], i) => {
      if (err) throw err;
      return parseDriver(ids[i]!, fields as Array<string | null>);
    });
  }
}
