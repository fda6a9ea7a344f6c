/**
 * Data and side servers for bench/sos.bench.ts: closed ports for every
 * provider, riders with emergency contacts, a queue of LOW jobs, and the
 * baseline (the minimal durable request) on the pool SOS writes through.
 */
import { createServer } from 'node:net';
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.js';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { jobsSchemaFor } from '../../src/platform/jobs/runner-options.js';
import { JobPriority } from '../../src/platform/jobs/task.js';
import type { Platform } from '../../src/platform/runtime.js';

/** A port nothing listens on: bound once by us, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every outward provider pointing at a closed port: each attempt fails at once with ECONNREFUSED. */
export async function providersDown(): Promise<Record<string, string>> {
  const port = await closedPort();
  return {
    PUSH_URL: `http://127.0.0.1:${port}/push`,
    SMS_URL: `http://127.0.0.1:${port}/sms`,
    VOICE_URL: `http://127.0.0.1:${port}/voice`,
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    ONCALL_PHONE: '+201000000001',
    ONCALL_EMAIL: 'oncall@smartline.test',
  };
}

/** Two emergency contacts (phone + email each) for every rider: the SMS/email fan-out a real alert has. */
export async function addContacts(platform: Platform, tokensOwners: string[]) {
  await platform.database.pool.query(
    `INSERT INTO emergency_contacts (user_id, position, name, phone, email)
     SELECT u, p, 'Contact ' || p, '+20100000000' || p, 'contact' || p || '@example.com'
     FROM unnest($1::uuid[]) u, generate_series(1, 2) p`,
    [tokensOwners],
  );
}

/** Owner ids of access tokens (the `sub` claim), without verifying: the bench signed them. */
export const ownersOf = (tokens: string[]) =>
  tokens.map((t) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).sub as string);

export const LOW_TASK = 'bench.low_work';

/** `count` LOW jobs of a task the worker runs (one cheap query each), added in one statement. */
export async function queueLowJobs(platform: Platform, count: number) {
  const schema = jobsSchemaFor(platform.config.DB_SCHEMA);
  await platform.database.pool.query(
    `SELECT "${schema}".add_jobs((SELECT array_agg(
       row($1, '{}'::json, null, null, null, null, $2, null)::"${schema}".job_spec) FROM generate_series(1, $3::int)))`,
    [LOW_TASK, JobPriority.LOW, count],
  );
}

export async function pendingJobs(platform: Platform, task: string): Promise<number> {
  const schema = jobsSchemaFor(platform.config.DB_SCHEMA);
  const { rows } = await platform.database.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${schema}"._private_jobs j JOIN "${schema}"._private_tasks t ON t.id = j.task_id
     WHERE t.identifier = $1`,
    [task],
  );
  return rows[0]!.n;
}

/**
 * The baseline: a bare Fastify route in this process (same event loop as the
 * app) that runs one INSERT … RETURNING in one transaction on `db`.
 */
export async function startBaseline(db: Db) {
  await sql`CREATE TABLE IF NOT EXISTS bench_sos_baseline (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), lat double precision NOT NULL, lng double precision NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  const app = Fastify({ logger: false });
  app.post('/baseline/sos', async (request, reply) => {
    const { lat, lng } = request.body as { lat: number; lng: number };
    const row = await withTransaction(db, (tx) =>
      sql<{ id: string }>`INSERT INTO bench_sos_baseline (lat, lng) VALUES (${lat}, ${lng}) RETURNING id`.execute(tx),
    );
    return reply.code(201).send({ success: true, data: { alertId: row.rows[0]!.id } });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}
