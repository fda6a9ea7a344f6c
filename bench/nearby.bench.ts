/**
 * `npm run bench:nearby`: nearest 10 drivers within 3 km over 100,000
 * drivers scattered across Greater Cairo (±0.2° around Tahrir, ~45 × 45 km).
 *
 *   memory         MemoryHotState.findNearestDrivers (the single-node adapter: grid index)
 *   redis-adapter  RedisHotState.findNearestDrivers (multi-node adapter: GEOSEARCH + exact re-measure)
 *   redis-raw      one bare GEOSEARCH … BYRADIUS 3000 m ASC COUNT 10 round trip (baseline)
 *   postgres       cube/earthdistance: GiST on ll_to_earth, earth_box + earth_distance (baseline)
 *
 * Goal: memory p99 < 0.5 ms. Everything is removed afterwards (Redis keys under
 * a unique prefix, a scratch Postgres schema; cube/earthdistance are created in
 * that schema when the database does not have them yet, and dropped with it).
 *
 * Env: DATABASE_URL, REDIS_URL (default redis://127.0.0.1:6379), BENCH_DRIVERS
 * (100000), BENCH_QUERIES (2000), BENCH_PG_QUERIES (300).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import {
  MemoryHotState,
  RedisHotState,
  type DriverPositionInput,
  type HotState,
  type NearestDriversQuery,
} from '../src/platform/hotstate/index.js';
import { DATABASE_URL } from './support/socket-fleet.js';
import { distribution, machine, ratio, writeResults, type Distribution } from './support/stats.js';
import { writeFigures } from './support/figures.js';
import { seededRandom as seeded } from '../support/seeded-random.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DRIVERS = Number(process.env.BENCH_DRIVERS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2_000);
const PG_QUERIES = Number(process.env.BENCH_PG_QUERIES ?? 300);
const WARMUP = 200;
const TAHRIR = { lat: 30.0444, lng: 31.2357 };
const SPREAD_DEG = 0.2;
const QUERY_SPREAD_DEG = 0.15;
const RADIUS_M = 3_000;
const LIMIT = 10;
const GOAL_P99_MS = 0.5;

function fleet(now: number): DriverPositionInput[] {
  const rand = seeded(42);
  return Array.from({ length: DRIVERS }, (_, i) => ({
    driverId: `d${i}`,
    lat: TAHRIR.lat + (rand() - 0.5) * 2 * SPREAD_DEG,
    lng: TAHRIR.lng + (rand() - 0.5) * 2 * SPREAD_DEG,
    heading: null,
    vehicleClass: 'economy',
    available: true,
    at: now,
  }));
}

function queryPoints(count: number, seed: number) {
  const rand = seeded(seed);
  return Array.from({ length: count }, () => ({
    lat: TAHRIR.lat + (rand() - 0.5) * 2 * QUERY_SPREAD_DEG,
    lng: TAHRIR.lng + (rand() - 0.5) * 2 * QUERY_SPREAD_DEG,
  }));
}

/** Sequential timed calls (one query at a time: latency, not throughput); returns ms per call and mean result size. */
async function time(
  points: Array<{ lat: number; lng: number }>,
  run: (p: { lat: number; lng: number }) => Promise<number>,
): Promise<Distribution & { meanResults: number }> {
  for (const p of points.slice(0, WARMUP)) await run(p);
  const samples: number[] = [];
  let results = 0;
  for (const p of points) {
    const t0 = performance.now();
    results += await run(p);
    samples.push(performance.now() - t0);
  }
  return { ...distribution(samples), meanResults: Math.round((results / points.length) * 10) / 10 };
}

const query = (p: { lat: number; lng: number }): NearestDriversQuery => ({
  ...p,
  radiusM: RADIUS_M,
  limit: LIMIT,
  freshWithinMs: 600_000,
  onlyAvailable: true,
});

async function benchHotState(
  hs: HotState,
  drivers: DriverPositionInput[],
  points: Array<{ lat: number; lng: number }>,
) {
  const t0 = performance.now();
  const chunk = 2_000;
  for (let i = 0; i < drivers.length; i += chunk)
    await Promise.all(drivers.slice(i, i + chunk).map((d) => hs.upsertDriverPosition(d)));
  const loadMs = Math.round(performance.now() - t0);
  return { loadMs, ...(await time(points, async (p) => (await hs.findNearestDrivers(query(p))).length)) };
}

async function benchRedisRaw(
  redis: Redis,
  key: string,
  drivers: DriverPositionInput[],
  points: Array<{ lat: number; lng: number }>,
) {
  const t0 = performance.now();
  for (let i = 0; i < drivers.length; i += 5_000) {
    const args = drivers.slice(i, i + 5_000).flatMap((d) => [d.lng, d.lat, d.driverId]);
    await redis.geoadd(key, ...args);
  }
  const loadMs = Math.round(performance.now() - t0);
  return {
    loadMs,
    ...(await time(
      points,
      async (p) =>
        (
          await redis.geosearch(
            key,
            'FROMLONLAT',
            p.lng,
            p.lat,
            'BYRADIUS',
            RADIUS_M,
            'm',
            'ASC',
            'COUNT',
            LIMIT,
            'WITHDIST',
          )
        ).length,
    )),
  };
}

async function benchPostgres(
  schema: string,
  drivers: DriverPositionInput[],
  points: Array<{ lat: number; lng: number }>,
) {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const installed = (
    await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_extension WHERE extname IN ('cube', 'earthdistance')`,
    )
  ).rows[0]!.n;
  await pool.query(`CREATE SCHEMA "${schema}"`);
  if (installed < 2) {
    await pool.query(`CREATE EXTENSION IF NOT EXISTS cube SCHEMA "${schema}"`);
    await pool.query(`CREATE EXTENSION IF NOT EXISTS earthdistance SCHEMA "${schema}"`);
  }
  const extSchema = (
    await pool.query<{ s: string }>(
      `SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ` +
        `'earthdistance'`,
    )
  ).rows[0]!.s;
  await pool.end();
  const db = new pg.Pool({
    connectionString: DATABASE_URL,
    max: 1,
    options: `-c search_path=${schema},${extSchema},public`,
  });
  const t0 = performance.now();
  await db.query('CREATE TABLE drivers (id text PRIMARY KEY, lat float8 NOT NULL, lng float8 NOT NULL)');
  await db.query('INSERT INTO drivers SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[])', [
    drivers.map((d) => d.driverId),
    drivers.map((d) => d.lat),
    drivers.map((d) => d.lng),
  ]);
  await db.query('CREATE INDEX drivers_earth ON drivers USING gist (ll_to_earth(lat, lng))');
  await db.query('ANALYZE drivers');
  const loadMs = Math.round(performance.now() - t0);
  const sql = `SELECT id, earth_distance(ll_to_earth($1, $2), ll_to_earth(lat, lng)) AS distance_m FROM drivers
               WHERE earth_box(ll_to_earth($1, $2), $3) @> ll_to_earth(lat, lng)
                 AND earth_distance(ll_to_earth($1, $2), ll_to_earth(lat, lng)) <= $3
               ORDER BY distance_m LIMIT $4`;
  try {
    return {
      loadMs,
      extensionsCreatedInScratchSchema: installed < 2,
      ...(await time(points, async (p) => (await db.query(sql, [p.lat, p.lng, RADIUS_M, LIMIT])).rowCount ?? 0)),
    };
  } finally {
    await db.end();
  }
}

async function cleanup(schema: string, redis: Redis, prefix: string) {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
  await pool.end();
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 1_000) await redis.unlink(...keys.slice(i, i + 1_000));
}

const fmt = (name: string, d: Distribution & { meanResults: number }) =>
  `${name.padEnd(14)} p50 ${(d.p50 * 1000).toFixed(1).padStart(8)} µs  p99 ` +
  `${(d.p99 * 1000).toFixed(1).padStart(8)} µs  max ${d.max.toFixed(2)} ms  (${d.count} queries, ${d.meanResults} ` +
  `drivers each)`;

async function main() {
  const tag = randomBytes(3).toString('hex');
  const schema = `bench_nearby_${tag}`;
  const prefix = `sl-bench:nearby:${tag}:`;
  const redis = new Redis(REDIS_URL);
  const drivers = fleet(Date.now());
  const points = queryPoints(QUERIES, 7);
  try {
    const memoryHs = new MemoryHotState();
    const memory = await benchHotState(memoryHs, drivers, points);
    await memoryHs.close();
    const redisHs = new RedisHotState({ redis, keyPrefix: prefix });
    const redisAdapter = await benchHotState(redisHs, drivers, points);
    const redisRaw = await benchRedisRaw(redis, `${prefix}raw`, drivers, points);
    const postgres = await benchPostgres(schema, drivers, points.slice(0, PG_QUERIES));
    const results = {
      ranAt: new Date().toISOString(),
      machine: machine(),
      settings: {
        drivers: DRIVERS,
        queries: QUERIES,
        pgQueries: PG_QUERIES,
        radiusM: RADIUS_M,
        limit: LIMIT,
        box: { centre: TAHRIR, spreadDeg: SPREAD_DEG },
      },
      memory,
      redisAdapter,
      redisRaw,
      postgres,
      ratios: {
        redisRawP50OverMemoryP50: ratio(redisRaw.p50, memory.p50),
        redisAdapterP50OverMemoryP50: ratio(redisAdapter.p50, memory.p50),
        postgresP50OverMemoryP50: ratio(postgres.p50, memory.p50),
      },
      goalMet: memory.p99 < GOAL_P99_MS,
    };
    const path = writeResults('nearby', results);
    writeFigures('nearby', [
      {
        figure: `nearest ${LIMIT} within ${RADIUS_M} m, ${DRIVERS} drivers, memory p99`,
        unit: 'ms',
        smartline: memory.p99,
        baselineName: 'raw Redis GEOSEARCH p99',
        baseline: redisRaw.p99,
        goal: { on: 'smartline', atMost: GOAL_P99_MS },
      },
      {
        figure: 'same query, Redis adapter p50',
        unit: 'ms',
        smartline: redisAdapter.p50,
        baselineName: 'raw Redis GEOSEARCH p50',
        baseline: redisRaw.p50,
      },
    ]);
    process.stdout.write(`${DRIVERS} drivers, nearest ${LIMIT} within ${RADIUS_M} m, sequential queries\n`);
    process.stdout.write(
      `${fmt('memory', memory)}\n${fmt('redis-adapter', redisAdapter)}\n${fmt('redis-raw', redisRaw)}\n${fmt('postgres', postgres)}\n`,
    );
    process.stdout.write(
      `ratios (p50 vs memory): redis GEOSEARCH ${results.ratios.redisRawP50OverMemoryP50}x, redis adapter ` +
        `${results.ratios.redisAdapterP50OverMemoryP50}x, postgres ${results.ratios.postgresP50OverMemoryP50}x ` +
        `slower\n`,
    );
    process.stdout.write(
      `SUMMARY nearby: memory p50 ${(memory.p50 * 1000).toFixed(0)} µs p99 ${(memory.p99 * 1000).toFixed(0)} µs ` +
        `over ${DRIVERS} drivers ` +
        `(redis GEOSEARCH p50 ${(redisRaw.p50 * 1000).toFixed(0)} µs = ` +
        `${results.ratios.redisRawP50OverMemoryP50}x, postgres p50 ${postgres.p50.toFixed(1)} ms = ` +
        `${results.ratios.postgresP50OverMemoryP50}x); ` +
        `goal p99 < ${GOAL_P99_MS} ms ${results.goalMet ? 'met' : 'MISSED'} -> ${path}\n`,
    );
  } finally {
    await cleanup(schema, redis, prefix);
    await redis.quit();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
