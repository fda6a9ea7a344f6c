import { sql, type Generated } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';

type ApiKeyTables = {
  api_keys: {
    id: Generated<string>;
    name: string;
    scopes: string[];
    prefix: string;
    hash: string;
    created_by: string | null;
    created_at: Generated<Date>;
    revoked_at: Date | null;
    revoked_by: string | null;
    last_used_at: Date | null;
  };
};

const q = (db: DbHandle) => db.withTables<ApiKeyTables>();

/** Every column but the hash: what lists and admin answers are built from. */
const PUBLIC_COLUMNS = [
  'id',
  'name',
  'scopes',
  'prefix',
  'created_by',
  'created_at',
  'revoked_at',
  'last_used_at',
] as const;

export type ApiKeyRow = Awaited<ReturnType<typeof findApiKey>> & object;

export async function insertApiKey(
  db: DbHandle,
  row: { name: string; scopes: string[]; prefix: string; hash: string; createdBy: string },
) {
  return q(db)
    .insertInto('api_keys')
    .values({ name: row.name, scopes: row.scopes, prefix: row.prefix, hash: row.hash, created_by: row.createdBy })
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function findApiKey(db: DbHandle, id: string) {
  return q(db).selectFrom('api_keys').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** The row a presented key names (prefix is unique), with its hash to compare. */
export async function findApiKeyByPrefix(db: DbHandle, prefix: string) {
  return q(db)
    .selectFrom('api_keys')
    .select(['id', 'name', 'scopes', 'hash', 'revoked_at', 'created_by'])
    .where('prefix', '=', prefix)
    .executeTakeFirst();
}

/** Newest first, keyset-paginated on (created_at, id); `limit + 1` rows tell whether more exist. */
export async function listApiKeys(db: DbHandle, args: { limit: number; after?: { at: string; id: string } }) {
  let query = q(db)
    .selectFrom('api_keys')
    .select(PUBLIC_COLUMNS)
    .select(sql<string>`${sql.raw(EXACT_CREATED_AT_SQL)}`.as('created_at_exact'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.after) {
    const { at, id } = args.after;
    query = query.where(sql<boolean>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return query.execute();
}

/** Revokes once: a key already revoked keeps its first revocation time. */
export async function revokeApiKey(db: DbHandle, id: string, by: string) {
  await q(db)
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()`, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return findApiKey(db, id);
}

/** Stamps last use unless it was stamped less than `minAgeMs` ago (by any node). */
export async function touchApiKey(db: DbHandle, id: string, minAgeMs: number): Promise<void> {
  await q(db)
    .updateTable('api_keys')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`now() - make_interval(secs => ${minAgeMs / 1000})`),
      ]),
    )
    .execute();
}
