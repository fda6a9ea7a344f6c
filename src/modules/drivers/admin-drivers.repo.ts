import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { newestFirstPage } from '../../platform/db/keyset.js';
import type { DriverProfileRow, DriverState } from './drivers.repo.js';

/** A driver as the admin console lists them: the profile plus who it is (admins see phones unmasked). */
export interface AdminDriverRow extends DriverProfileRow {
  id: string;
  name: string;
  phone: string;
}

export interface AdminDriversQuery {
  approved?: boolean;
  state?: DriverState;
  /** Part of the name (any case) or of the phone's digits. */
  q?: string;
  limit: number;
  cursor?: string;
}

/** `%` and `_` typed by an admin are searched for, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Newest sign-ups first; the profile's user is joined as a derived table so the keyset sees one created_at/id. */
export function findDriversPage(
  db: DbHandle,
  query: Omit<AdminDriversQuery, 'cursor'> & { after?: { at: string; id: string } },
) {
  const joined = db
    .withTables<{ driver_profiles: DriverProfileRow; users: { id: string; name: string; phone: string } }>()
    .selectFrom('driver_profiles as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .selectAll('p')
    .select(['u.id as id', 'u.name as name', 'u.phone as phone']);
  let rows = db.withTables<{ d: AdminDriverRow }>().selectFrom(joined.as('d')).selectAll('d');
  if (query.approved !== undefined) rows = rows.where('d.approved', '=', query.approved);
  if (query.state) rows = rows.where('d.state', '=', query.state);
  if (query.q) {
    const text = likePattern(query.q);
    const digits = query.q.replace(/\D/g, '');
    rows = rows.where((eb) =>
      eb.or([eb('d.name', 'ilike', text), ...(digits ? [eb(sql<string>`d.phone`, 'like', likePattern(digits))] : [])]),
    );
  }
  return newestFirstPage(rows, { limit: query.limit, after: query.after }).execute();
}
