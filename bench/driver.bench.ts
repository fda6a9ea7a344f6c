/**
 * `npm run bench:driver`: issue 22.1's driver question. Is a pipelining
 * driver (postgres.js through kysely-postgres-js) worth a switch from pg?
 * The same Kysely code runs on both drivers in the same run, behind the same
 * bare Fastify, with pools of the app's size:
 *
 * - the one-INSERT transaction (bench:api's baseline for POST /trips);
 * - the write of a trip request as POST /trips makes it: BEGIN, the trip and
 *   its event in one statement, the dispatch row, the next round's job,
 *   COMMIT. The three writes do not depend on each other's results (the trip
 *   id is made in node), so they are issued at once (Promise.all): postgres.js
 *   sends them in one write on its reserved connection; pg queues them and
 *   waits for each answer.
 *
 * Scratch tables of the same shapes on a scratch schema (dropped at the end).
 * Server CPU per request is this process's (both drivers live here).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_DURATION_S (10), BENCH_CONNECTIONS (100), DB_POOL_MAX (20, the app's).
 */
import { cpus, loadavg } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect, sql, type RawBuilder } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import { writeFigures } from './support/figures.js';
import { TRIP_BODY } from './support/trip-body.js';
import { fmtLoad as fmt, runLoad, type LoadResult } from './support/run-load.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const POOL_MAX = Number(process.env.DB_POOL_MAX ?? 20);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `bench_driver_${randomBytes(3).toString('hex')}`;

type AnyDb = Kysely<Record<string, never>>;
const table = (name: string) => sql.table(`${SCHEMA}.${name}`);

async function createTables(db: AnyDb) {
  await sql`CREATE SCHEMA ${sql.id(SCHEMA)}`.execute(db);
  await sql`CREATE TABLE ${table('min_requests')} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  await sql`CREATE TABLE ${table('trips')} (id uuid PRIMARY KEY, rider_id uuid NOT NULL, status text NOT NULL,
    body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  await sql`CREATE TABLE ${table('events')} (id bigserial PRIMARY KEY, aggregate_id uuid NOT NULL, seq int NOT NULL,
    type text NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (aggregate_id, seq))`.execute(db);
  await sql`CREATE TABLE ${table('dispatch')} (trip_id uuid PRIMARY KEY, state jsonb NOT NULL)`.execute(db);
  await sql`CREATE TABLE ${table('jobs')} (id bigserial PRIMARY KEY, task text NOT NULL, payload jsonb NOT NULL,
    run_at timestamptz NOT NULL)`.execute(db);
}

/** The three writes of a trip request (jsonb sent as text and cast, so both drivers bind it the same way). */
function requestWrites(body: unknown): RawBuilder<unknown>[] {
  const id = randomUUID();
  const json = JSON.stringify(body);
  return [
    sql`WITH written AS (INSERT INTO ${table('trips')} (id, rider_id, status, body)
          VALUES (${id}, ${randomUUID()}, 'searching', ${json}::text::jsonb) RETURNING *),
        appended AS (INSERT INTO ${table('events')} (aggregate_id, seq, type, payload)
          SELECT id, 1, 'trip.requested', body FROM written)
        SELECT id, status, created_at FROM written`,
    sql`INSERT INTO ${table('dispatch')} (trip_id, state) VALUES (${id}, ${JSON.stringify({ round: 1 })}::text::jsonb)`,
    sql`INSERT INTO ${table('jobs')} (task, payload, run_at)
        VALUES ('dispatch.round', ${JSON.stringify({ tripId: id })}::text::jsonb, now() + interval '10 seconds')`,
  ];
}

/** Both routes on one driver: `/insert` (one INSERT per transaction) and `/request` (the trip request's writes). */
function routesFor(app: FastifyInstance, prefix: string, db: AnyDb) {
  app.post(`/${prefix}/insert`, async (request, reply) => {
    const row = await db.transaction().execute(
      async (tx) =>
        (
          await sql`INSERT INTO ${table('min_requests')} (body) VALUES (${JSON.stringify(request.body)}::text::jsonb)
            RETURNING id, created_at`.execute(tx)
        ).rows[0],
    );
    return reply.code(201).send({ success: true, data: row });
  });
  app.post(`/${prefix}/request`, async (request, reply) => {
    const writes = requestWrites(request.body);
    const [trip] = await db
      .transaction()
      .execute(async (tx) => Promise.all(writes.map(async (w) => (await w.execute(tx)).rows[0])));
    return reply.code(201).send({ success: true, data: trip });
  });
}

/** Load on one route with this process's CPU time per answered request. */
async function measure(url: string, path: string) {
  const before = process.cpuUsage();
  const result = await runLoad({
    url,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: TRIP_BODY,
    connections: CONNECTIONS,
    durationS: DURATION_S,
  });
  const used = process.cpuUsage(before);
  return { result, cpuUs: Math.round((used.user + used.system) / Math.max(1, result.requests)) };
}

const ratio = (a: LoadResult, b: LoadResult) => Math.round((a.okPerSec / b.okPerSec) * 1000) / 1000;

async function main() {
  const loadAtStart = loadavg()[0] ?? 0;
  const pgDb: AnyDb = new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: DATABASE_URL, max: POOL_MAX }) }),
  });
  const js = postgres(DATABASE_URL, { max: POOL_MAX, onnotice: () => {} });
  const jsDb: AnyDb = new Kysely({ dialect: new PostgresJSDialect({ postgres: js }) });
  const app = Fastify({ logger: false });
  try {
    await createTables(pgDb);
    routesFor(app, 'pg', pgDb);
    routesFor(app, 'pgjs', jsDb);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const pgInsert = await measure(url, '/pg/insert');
    const jsInsert = await measure(url, '/pgjs/insert');
    const pgRequest = await measure(url, '/pg/request');
    const jsRequest = await measure(url, '/pgjs/request');
    report({ pgInsert, jsInsert, pgRequest, jsRequest }, loadAtStart);
  } finally {
    await app.close();
    await sql`DROP SCHEMA IF EXISTS ${sql.id(SCHEMA)} CASCADE`.execute(pgDb);
    await pgDb.destroy();
    // Not jsDb.destroy(): its end() without a timeout waited forever, now and then, on idle connections after a run.
    await js.end({ timeout: 1 });
  }
}

type Measured = Awaited<ReturnType<typeof measure>>;

function report(m: Record<'pgInsert' | 'jsInsert' | 'pgRequest' | 'jsRequest', Measured>, loadAtStart: number) {
  const line = (name: string, x: Measured) => `${name.padEnd(22)} ${fmt(x.result)}  cpu ${x.cpuUs} µs/req\n`;
  process.stdout.write(line('pg, 1-INSERT txn', m.pgInsert) + line('postgres.js, 1-INSERT', m.jsInsert));
  process.stdout.write(line('pg, request writes', m.pgRequest) + line('postgres.js, request', m.jsRequest));
  const shape = `${CONNECTIONS} conns, pools of ${POOL_MAX}`;
  writeFigures('driver', [
    {
      figure: `trip request's writes (BEGIN, 3 writes at once, COMMIT) 2xx/s, ${shape}`,
      unit: 'req/s',
      smartline: m.jsRequest.result.okPerSec,
      baselineName: 'the same Kysely code on pg (the driver the app uses)',
      baseline: m.pgRequest.result.okPerSec,
    },
    {
      figure: `one-INSERT txn 2xx/s, ${shape}`,
      unit: 'req/s',
      smartline: m.jsInsert.result.okPerSec,
      baselineName: 'the same Kysely code on pg',
      baseline: m.pgInsert.result.okPerSec,
    },
    {
      figure: "trip request's writes, server CPU per request",
      unit: 'µs',
      smartline: m.jsRequest.cpuUs,
      baselineName: 'on pg',
      baseline: m.pgRequest.cpuUs,
    },
  ]);
  process.stdout.write(
    `SUMMARY driver: postgres.js/pg request writes ${ratio(m.jsRequest.result, m.pgRequest.result)}x, ` +
      `1-INSERT txn ${ratio(m.jsInsert.result, m.pgInsert.result)}x; ${shape}, ${cpus().length} cores, ` +
      `load ${loadAtStart.toFixed(1)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
