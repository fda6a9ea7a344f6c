import type { DbHandle } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { maskPhone } from '../../platform/observability/logger.js';
import type { AuthUser } from '../../platform/http/route-config.js';
import { findUserById, type UserRow } from './users.repo.js';

export interface PublicUser {
  id: string;
  phone: string;
  name: string;
  role: UserRow['role'];
  createdAt: string;
}

/** API.md: phone masked for anyone but its owner and admins. */
export function toPublicUser(row: UserRow, viewer: Pick<AuthUser, 'id' | 'role'> | null): PublicUser {
  const canSeePhone = viewer !== null && (viewer.id === row.id || viewer.role === 'admin');
  return {
    id: row.id,
    phone: canSeePhone ? row.phone : maskPhone(row.phone),
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
  };
}

export async function getUser(db: DbHandle, id: string): Promise<UserRow> {
  const row = await findUserById(db, id);
  if (!row) throw notFound('User');
  return row;
}
