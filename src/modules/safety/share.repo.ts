import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

interface TripSharesTable {
  id: Generated<string>;
  trip_id: string;
  created_by: string;
  token_hash: string;
  expires_at: Date;
  revoked_at: Date | null;
  created_at: Generated<Date>;
}

export type TripShareRow = Selectable<TripSharesTable>;
type Tables = { trip_shares: TripSharesTable };
const q = (db: DbHandle) => db.withTables<Tables>();

export async function insertShare(
  db: DbHandle,
  s: { tripId: string; createdBy: string; tokenHash: string; expiresAt: Date },
) {
  return q(db)
    .insertInto('trip_shares')
    .values({
      trip_id: s.tripId,
      created_by: s.createdBy,
      token_hash: s.tokenHash,
      expires_at: s.expiresAt,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A live share: not revoked, not expired. */
export async function findLiveShare(db: DbHandle, tokenHash: string) {
  return q(db)
    .selectFrom('trip_shares')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function revokeShare(db: DbHandle, s: { tripId: string; tokenHash: string }): Promise<boolean> {
  const res = await q(db)
    .updateTable('trip_shares')
    .set({ revoked_at: sql<Date>`now()` })
    .where('trip_id', '=', s.tripId)
    .where('token_hash', '=', s.tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
