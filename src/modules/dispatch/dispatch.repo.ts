import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { JobKind } from './job-port.js';
import type { Strategy } from './strategy.js';

export type DispatchPhase = 'waiting' | 'offering' | 'selecting' | 'done';

/** One row per job being searched for (migration 0045: a trip or a service request, `kind` says which). */
interface TripDispatchTable {
  trip_id: string;
  kind: Generated<JobKind>;
  strategy: Strategy;
  round: Generated<number>;
  phase: Generated<DispatchPhase>;
  radius_m: number | null;
  round_expires_at: Date | null;
  first_offer_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type DispatchRow = Selectable<TripDispatchTable>;
type DispatchTables = { trip_dispatch: TripDispatchTable };

const q = (db: DbHandle) => db.withTables<DispatchTables>();

/** What a round writes to the dispatch row; `firstOfferNow` stamps the first offer's time once. */
export type DispatchState = Partial<Pick<DispatchRow, 'round' | 'phase' | 'radius_m' | 'round_expires_at'>> & {
  firstOfferNow?: boolean;
};

/** The job's dispatch row (kept if there is one), with `state` when a round is decided in the same transaction. */
export async function insertDispatch(
  tx: DbHandle,
  job: { jobId: string; strategy: Strategy; kind?: JobKind },
  state: DispatchState = {},
): Promise<void> {
  const { firstOfferNow, ...columns } = state;
  await q(tx)
    .insertInto('trip_dispatch')
    .values({
      trip_id: job.jobId,
      strategy: job.strategy,
      kind: job.kind ?? 'trip',
      ...columns,
      ...(firstOfferNow ? { first_offer_at: sql<Date>`now()` } : {}),
    })
    .onConflict((oc) => oc.column('trip_id').doNothing())
    .execute();
}

export async function findDispatch(db: DbHandle, tripId: string): Promise<DispatchRow | undefined> {
  return q(db).selectFrom('trip_dispatch').selectAll().where('trip_id', '=', tripId).executeTakeFirst();
}

export async function updateDispatch(tx: DbHandle, tripId: string, set: DispatchState): Promise<void> {
  const { firstOfferNow, ...columns } = set;
  await q(tx)
    .updateTable('trip_dispatch')
    .set({
      ...columns,
      ...(firstOfferNow ? { first_offer_at: sql<Date>`coalesce(first_offer_at, now())` } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('trip_id', '=', tripId)
    .execute();
}
