import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';

export interface EndpointColumns {
  id: Generated<string>;
  owner_kind: 'user' | 'api_key';
  owner_id: string;
  notify_user_id: string | null;
  url: string;
  events: string[];
  description: string | null;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
  failing_since: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type WebhookTables = { webhook_endpoints: EndpointColumns };
export type EndpointRow = Selectable<EndpointColumns>;

const q = (db: DbHandle) => db.withTables<WebhookTables>();

/** Who may see an endpoint: an admin sees all (ownerId undefined), an API key only its own. */
export type OwnerFilter = { ownerId?: string };

/**
 * Inserts an endpoint unless `max` exist. The transaction-scoped advisory
 * lock serialises concurrent creations, so the count cannot be raced past.
 */
export async function insertEndpointWithinLimit(
  tx: DbHandle,
  row: Omit<
    EndpointColumns,
    | 'id'
    | 'enabled'
    | 'disabled_reason'
    | 'previous_secret'
    | 'previous_secret_until'
    | 'failing_since'
    | 'created_at'
    | 'updated_at'
  >,
  max: number,
): Promise<EndpointRow | undefined> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints.limit'))`.execute(tx);
  const { n } = await q(tx)
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(n) >= max) return undefined;
  return q(tx).insertInto('webhook_endpoints').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findEndpoint(db: DbHandle, id: string, owner: OwnerFilter) {
  let query = q(db).selectFrom('webhook_endpoints').selectAll().where('id', '=', id);
  if (owner.ownerId) query = query.where('owner_id', '=', owner.ownerId);
  return query.executeTakeFirst();
}

export async function listEndpoints(
  db: DbHandle,
  args: OwnerFilter & { limit: number; after?: { at: string; id: string } },
) {
  let query = q(db)
    .selectFrom('webhook_endpoints')
    .selectAll()
    .select(sql<string>`${sql.raw(EXACT_CREATED_AT_SQL)}`.as('created_at_exact'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.ownerId) query = query.where('owner_id', '=', args.ownerId);
  if (args.after)
    query = query.where(sql<boolean>`(created_at, id) < (${args.after.at}::timestamptz, ${args.after.id}::uuid)`);
  return query.execute();
}

/** Re-enabling clears the failure history: the endpoint gets a fresh 24 h. */
export async function updateEndpoint(
  db: DbHandle,
  id: string,
  owner: OwnerFilter,
  patch: { url?: string; events?: string[]; enabled?: boolean; description?: string | null },
) {
  let query = q(db)
    .updateTable('webhook_endpoints')
    .set({
      ...patch,
      ...(patch.enabled === true ? { disabled_reason: null, failing_since: null } : {}),
      ...(patch.enabled === false ? { disabled_reason: 'by_owner' } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id);
  if (owner.ownerId) query = query.where('owner_id', '=', owner.ownerId);
  return query.returningAll().executeTakeFirst();
}

export async function deleteEndpoint(db: DbHandle, id: string, owner: OwnerFilter) {
  let query = q(db).deleteFrom('webhook_endpoints').where('id', '=', id);
  if (owner.ownerId) query = query.where('owner_id', '=', owner.ownerId);
  return query.returning('id').executeTakeFirst();
}

/** The current secret becomes the previous one, signing alongside the new one until `overlapMs` from now. */
export async function rotateEndpointSecret(
  db: DbHandle,
  args: OwnerFilter & { id: string; secret: string; overlapMs: number },
) {
  let query = q(db)
    .updateTable('webhook_endpoints')
    .set({
      previous_secret: sql`secret`,
      previous_secret_until: sql`now() + ${args.overlapMs} * interval '1 millisecond'`,
      secret: args.secret,
      updated_at: sql`now()`,
    })
    .where('id', '=', args.id);
  if (args.ownerId) query = query.where('owner_id', '=', args.ownerId);
  return query.returningAll().executeTakeFirst();
}

/** Endpoints that receive events now: what fan-out matches against. */
export async function enabledEndpoints(db: DbHandle) {
  return q(db)
    .selectFrom('webhook_endpoints')
    .select(['id', 'events', 'created_at'])
    .where('enabled', '=', true)
    .execute();
}

export async function clearEndpointFailure(db: DbHandle, id: string) {
  await q(db)
    .updateTable('webhook_endpoints')
    .set({ failing_since: null })
    .where('id', '=', id)
    .where('failing_since', 'is not', null)
    .execute();
}

/**
 * Notes a failed attempt; disables the endpoint once it has been failing for
 * `giveUpMs`. Returns the row only to the one call that disabled it
 * (compare-and-set on `enabled`), so the owner is told once.
 */
export async function noteEndpointFailure(db: DbHandle, id: string, giveUpMs: number) {
  await q(db)
    .updateTable('webhook_endpoints')
    .set({ failing_since: sql`coalesce(failing_since, now())` })
    .where('id', '=', id)
    .execute();
  return q(db)
    .updateTable('webhook_endpoints')
    .set({ enabled: false, disabled_reason: 'failing', updated_at: sql`now()` })
    .where('id', '=', id)
    .where('enabled', '=', true)
    .where(sql<boolean>`failing_since <= now() - ${giveUpMs} * interval '1 millisecond'`)
    .returningAll()
    .executeTakeFirst();
}

/** Disables for `reason` (410 Gone); the row only to the call that did it. */
export async function disableEndpoint(db: DbHandle, id: string, reason: string) {
  return q(db)
    .updateTable('webhook_endpoints')
    .set({ enabled: false, disabled_reason: reason, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('enabled', '=', true)
    .returningAll()
    .executeTakeFirst();
}
