import type { Generated, Insertable, Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

export type ProofKind = 'photo' | 'signature';

interface ServiceProofsTable {
  id: string;
  request_id: string;
  kind: ProofKind;
  object_key: string;
  thumbnail_key: string;
  content_type: 'image/jpeg' | 'image/png';
  bytes: number;
  uploaded_by: string;
  created_at: Generated<Date>;
}

export type ProofRow = Selectable<ServiceProofsTable>;
export type NewProof = Insertable<ServiceProofsTable>;

const q = (db: DbHandle) => db.withTables<{ service_proofs: ServiceProofsTable }>();

export async function insertProofs(db: DbHandle, rows: NewProof[]): Promise<ProofRow[]> {
  if (rows.length === 0) return [];
  return q(db).insertInto('service_proofs').values(rows).returningAll().execute();
}

export async function listProofs(db: DbHandle, requestId: string): Promise<ProofRow[]> {
  return q(db)
    .selectFrom('service_proofs')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findProof(db: DbHandle, k: { requestId: string; proofId: string }) {
  return q(db)
    .selectFrom('service_proofs')
    .selectAll()
    .where('request_id', '=', k.requestId)
    .where('id', '=', k.proofId)
    .executeTakeFirst();
}

/** How many photos and signatures a request has (read under the request's row lock when it matters). */
export async function countProofs(db: DbHandle, requestId: string): Promise<Record<ProofKind, number>> {
  const rows = await q(db)
    .selectFrom('service_proofs')
    .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
    .where('request_id', '=', requestId)
    .groupBy('kind')
    .execute();
  const counts: Record<ProofKind, number> = { photo: 0, signature: 0 };
  for (const r of rows) counts[r.kind] = Number(r.n);
  return counts;
}
