import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';
import type { SendResult } from './sender.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

interface DeliveryColumns {
  id: Generated<string>;
  ordinal: Generated<string>;
  endpoint_id: string;
  event_id: number;
  message_id: string;
  event_type: string;
  resource_id: string;
  replay_of: string | null;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  lease_until: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_response: string | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Generated<Date>;
}
type Tables = { webhook_deliveries: DeliveryColumns };
export type DeliveryRow = Selectable<DeliveryColumns>;
/** A delivery to write, with its message's payload (stored once per message, in webhook_messages). */
export type NewDelivery = Pick<
  DeliveryColumns,
  'endpoint_id' | 'event_id' | 'message_id' | 'event_type' | 'resource_id'
> & {
  payload: unknown;
};

const q = (db: DbHandle) => db.withTables<Tables>();

/** One row per message: its id and payload, serialised once however many endpoints it goes to. */
function messageValues(rows: NewDelivery[]) {
  const seen = new Set<string>();
  const values = [];
  for (const r of rows) {
    if (seen.has(r.message_id)) continue;
    seen.add(r.message_id);
    values.push(sql`(${r.message_id}::text, ${JSON.stringify(r.payload)}::jsonb)`);
  }
  return values;
}

/**
 * Inserts in the given order (so `ordinal` follows it), storing each
 * message's payload once (migration 0089; a message stored before keeps its
 * payload). Rows already fanned out are skipped, and so are rows of an
 * endpoint deleted meanwhile: its row is locked (KEY SHARE) before the
 * insert, so a delete still in flight is waited for and its rows dropped,
 * where the foreign key would have failed the whole fan-out (every other
 * endpoint's rows waited for the job's retry).
 */
export async function insertDeliveries(db: DbHandle, rows: NewDelivery[]) {
  if (rows.length === 0) return [];
  const values = rows.map(
    (r, n) =>
      sql`(${n}::int, ${r.endpoint_id}::uuid, ${r.event_id}::bigint, ${r.message_id}::text, ${r.event_type}::text,
        ${r.resource_id}::text)`,
  );
  const { rows: inserted } = await sql<{ id: string; endpoint_id: string; resource_id: string }>`
    WITH m(message_id, payload) AS (VALUES ${sql.join(messageValues(rows))}),
    stored AS (
      INSERT INTO webhook_messages (message_id, payload) SELECT message_id, payload FROM m
      ON CONFLICT (message_id) DO NOTHING
    ),
    v(n, endpoint_id, event_id, message_id, event_type, resource_id) AS (VALUES ${sql.join(values)}),
    live AS (SELECT e.id FROM webhook_endpoints e WHERE e.id IN (SELECT endpoint_id FROM v) FOR KEY SHARE)
    INSERT INTO webhook_deliveries (endpoint_id, event_id, message_id, event_type, resource_id)
    SELECT v.endpoint_id, v.event_id, v.message_id, v.event_type, v.resource_id
      FROM v JOIN live ON live.id = v.endpoint_id
     ORDER BY v.n
    ON CONFLICT (endpoint_id, event_id, event_type) WHERE replay_of IS NULL DO NOTHING
    RETURNING id, endpoint_id, resource_id`.execute(db);
  return inserted;
}

/** `endpointId:eventId` of the deliveries these events already have (fan-out skips them). */
export async function fannedOut(db: DbHandle, eventIds: number[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await q(db)
    .selectFrom('webhook_deliveries')
    .select(['endpoint_id', 'event_id'])
    .where('event_id', 'in', eventIds)
    .where('replay_of', 'is', null)
    .execute();
  return new Set(rows.map((r) => `${r.endpoint_id}:${r.event_id}`));
}

/** A new pending copy of a delivery, queued behind that resource's other pending deliveries. */
export async function insertReplay(db: DbHandle, of: DeliveryRow) {
  return q(db)
    .insertInto('webhook_deliveries')
    .values({
      endpoint_id: of.endpoint_id,
      event_id: of.event_id,
      message_id: of.message_id,
      event_type: of.event_type,
      resource_id: of.resource_id,
      replay_of: of.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * A claimed delivery with what sending it needs from its endpoint and its
 * message. `body` is the message's payload as Postgres prints it: sent (and
 * signed) as is, so the sender neither parses nor re-serialises the JSON of
 * every delivery. Only the columns an attempt reads come back: each one is
 * parsed for every delivery.
 */
export type ClaimedDelivery = Pick<DeliveryRow, 'id' | 'endpoint_id' | 'message_id' | 'attempts' | 'created_at'> & {
  body: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
};

/**
 * Leases up to `limit` due heads across all enabled endpoints, oldest first
 * (walked in that order by webhook_due_heads, migrations 0085-0086), in one
 * statement: at most one per pair (so one resource's events reach an
 * endpoint one at a time, in order) and at most `perEndpoint` minus what
 * this node already has in flight per endpoint (`busy`); endpoints at their
 * cap are skipped, so a hanging one never fills the batch. A second claimer
 * skips rows another claim has locked (SKIP LOCKED, in the walk) and
 * re-checks the lease on the rows it locks. The walk takes no more rows
 * than the batch may hold: each row it passes is locked, a write, and
 * walking twice the batch (so that rows beyond an endpoint's room could be
 * replaced) cost more than it gained (bench:webhooks, four runs each: ratio
 * 0.36-0.59 against 0.52-0.58 now); those rows wait for the next claim.
 * The UPDATE finds its rows by primary key from an array: joined to `pick`
 * instead, the planner hashed it against a scan of the whole table,
 * delivered rows included (EXPLAIN at 2,000 rows: 8 of the statement's
 * 12 ms), a cost growing with the table, not the batch.
 */
export async function claimDue(
  db: DbHandle,
  args: { limit: number; leaseMs: number; perEndpoint: number; busy: Map<string, number> },
) {
  const ids = [...args.busy.keys()];
  const counts = ids.map((id) => args.busy.get(id)!);
  const full = ids.filter((id) => args.busy.get(id)! >= args.perEndpoint);
  const { rows } = await sql<ClaimedDelivery>`
    WITH busy AS (
      SELECT * FROM unnest(${ids}::uuid[], ${counts}::int[]) AS b(endpoint_id, n)
    ), due AS (
      SELECT * FROM webhook_due_heads(${args.limit}, ${full}::uuid[])
    ), pick AS (
      SELECT due.id FROM (
        SELECT due.*, row_number() OVER (PARTITION BY due.endpoint_id ORDER BY due.ordinal) AS rn FROM due
      ) due LEFT JOIN busy b ON b.endpoint_id = due.endpoint_id
       WHERE due.rn <= ${args.perEndpoint} - coalesce(b.n, 0)
       ORDER BY due.ordinal LIMIT ${args.limit}
    ), claimed AS (
      UPDATE webhook_deliveries d
         SET lease_until = now() + ${args.leaseMs} * interval '1 millisecond',
             attempts = d.attempts + 1, last_attempt_at = now()
       WHERE d.id = ANY (ARRAY(SELECT id FROM pick)) AND d.status = 'pending'
         AND (d.lease_until IS NULL OR d.lease_until < now())
      RETURNING d.id, d.ordinal, d.endpoint_id, d.message_id, d.attempts, d.created_at
    )
    SELECT c.id, c.endpoint_id, c.message_id, c.attempts, c.created_at, m.payload::text AS body,
           e.url, e.secret, e.previous_secret, e.previous_secret_until
      FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id
      JOIN webhook_messages m ON m.message_id = c.message_id
     ORDER BY c.ordinal`.execute(db);
  return rows;
}

/**
 * When a head not leased by this node may next be tried: after its backoff,
 * or when another sender's lease lapses (null: nothing pending anywhere).
 */
export async function nextDue(db: DbHandle) {
  const { rows } = await sql<{ due: Date | null }>`
    SELECT min(greatest(h.next_attempt_at, coalesce(h.lease_until, h.next_attempt_at))) AS due
      FROM webhook_pending_heads h JOIN webhook_endpoints e ON e.id = h.endpoint_id AND e.enabled`.execute(db);
  return rows[0]?.due ?? null;
}

/**
 * Settles acknowledged deliveries and clears their endpoints' failure
 * clocks, in one statement (one round trip for a whole batch of answers).
 */
export async function recordDelivered(db: DbHandle, done: Array<{ id: string; result: SendResult }>) {
  if (done.length === 0) return;
  const values = done.map(
    ({ id, result: r }) => sql`(${id}::uuid, ${r.statusCode}::int, ${r.latencyMs}::int, ${r.snippet}::text)`,
  );
  await sql`
    WITH v(id, code, latency, snippet) AS (VALUES ${sql.join(values)}),
    settled AS (
      UPDATE webhook_deliveries d
         SET status = 'delivered', lease_until = NULL, delivered_at = now(), last_status_code = v.code,
             last_latency_ms = v.latency, last_response = v.snippet, last_error = NULL
        FROM v WHERE d.id = v.id
      RETURNING d.endpoint_id
    )
    UPDATE webhook_endpoints e SET failing_since = NULL
     WHERE e.id IN (SELECT endpoint_id FROM settled) AND e.failing_since IS NOT NULL`.execute(db);
}

/** Records a failed attempt and ends the lease; `nextAttemptAt` keeps it pending, else `status` settles it. */
export async function recordAttempt(
  db: DbHandle,
  args: { id: string; result: SendResult; status: DeliveryStatus; nextAttemptAt?: Date },
) {
  const { result } = args;
  await q(db)
    .updateTable('webhook_deliveries')
    .set({
      status: args.status,
      lease_until: null,
      last_status_code: result.statusCode,
      last_latency_ms: result.latencyMs,
      last_response: result.snippet,
      last_error: result.error,
      ...(args.nextAttemptAt ? { next_attempt_at: args.nextAttemptAt } : {}),
    })
    .where('id', '=', args.id)
    .execute();
}

export async function findDelivery(db: DbHandle, id: string) {
  return q(db).selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listDeliveries(
  db: DbHandle,
  args: { endpointId: string; status?: DeliveryStatus; limit: number; after?: { at: string; id: string } },
) {
  let query = q(db)
    .selectFrom('webhook_deliveries')
    .selectAll()
    .select(sql<string>`${sql.raw(EXACT_CREATED_AT_SQL)}`.as('created_at_exact'))
    .where('endpoint_id', '=', args.endpointId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.status) query = query.where('status', '=', args.status);
  if (args.after)
    query = query.where(sql<boolean>`(created_at, id) < (${args.after.at}::timestamptz, ${args.after.id}::uuid)`);
  return query.execute();
}
