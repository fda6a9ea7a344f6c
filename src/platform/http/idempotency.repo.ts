import { sql, type Generated } from 'kysely';
import type { DbHandle } from '../db/database.js';

type IdempotencyTables = {
  idempotency_keys: {
    scope: string;
    key: string;
    request_hash: string;
    state: 'in_flight' | 'done';
    response_status: number | null;
    response_body: string | null;
    created_at: Generated<Date>;
    locked_at: Generated<Date>;
  };
};

export interface StoredKey {
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_body: string | null;
  locked_at: Date;
  created_at: Date;
}

const q = (db: DbHandle) => db.withTables<IdempotencyTables>();

/**
 * Claims the key; returns null when we now own it, else the row already there.
 * An in-flight claim older than `staleAfterS` (its owner died) is taken over.
 */
export async function claimKey(
  db: DbHandle,
  args: { scope: string; key: string; requestHash: string; staleAfterS: number; ttlS: number },
): Promise<StoredKey | null> {
  const claimed = await q(db)
    .insertInto('idempotency_keys')
    .values({ scope: args.scope, key: args.key, request_hash: args.requestHash, state: 'in_flight' })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'key'])
        .doUpdateSet({
          request_hash: args.requestHash,
          state: 'in_flight',
          locked_at: sql`now()`,
          created_at: sql`now()`,
        })
        .where((eb) =>
          eb.or([
            eb.and([
              eb('idempotency_keys.state', '=', 'in_flight'),
              eb('idempotency_keys.locked_at', '<', sql<Date>`now() - make_interval(secs => ${args.staleAfterS})`),
            ]),
            eb('idempotency_keys.created_at', '<', sql<Date>`now() - make_interval(secs => ${args.ttlS})`),
          ]),
        ),
    )
    .returning('key')
    .executeTakeFirst();
  if (claimed) return null;
  const existing = await q(db)
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'state', 'response_status', 'response_body', 'locked_at', 'created_at'])
    .where('scope', '=', args.scope)
    .where('key', '=', args.key)
    .executeTakeFirst();
  // Deleted between our insert and select (cleanup raced us): treat as claimable next time.
  return (
    existing ?? {
      request_hash: args.requestHash,
      state: 'in_flight',
      response_status: null,
      response_body: null,
      locked_at: new Date(),
      created_at: new Date(),
    }
  );
}

export async function completeKey(db: DbHandle, args: { scope: string; key: string; status: number; body: string }) {
  await q(db)
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: args.status, response_body: args.body })
    .where('scope', '=', args.scope)
    .where('key', '=', args.key)
    .execute();
}

export async function releaseKey(db: DbHandle, args: { scope: string; key: string }) {
  await q(db).deleteFrom('idempotency_keys').where('scope', '=', args.scope).where('key', '=', args.key).execute();
}

export async function deleteExpiredKeys(db: DbHandle, ttlS: number): Promise<number> {
  const res = await q(db)
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${ttlS})`)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
