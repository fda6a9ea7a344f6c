import type { DbHandle } from '../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { findDriversPage, type AdminDriversQuery } from './admin-drivers.repo.js';
import { toDriverProfile } from './drivers.service.js';

export async function listDriversForAdmin(db: DbHandle, query: AdminDriversQuery) {
  const { page, nextCursor } = pageOf(
    await findDriversPage(db, { ...query, after: decodeCursor(query.cursor) }),
    query.limit,
  );
  const items = page.map((row) => ({
    ...toDriverProfile(row),
    name: row.name,
    phone: row.phone,
    createdAt: row.created_at.toISOString(),
  }));
  return { items, nextCursor };
}
