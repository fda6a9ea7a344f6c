import type { DbHandle } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { maskPhone } from '../../platform/observability/logger.js';
import type { AuthUser } from '../../platform/http/route-config.js';
import { anonymiseUser, lockUserForErasure } from './erasure.repo.js';
import { findUserById, findUserByPhone, insertUser, updateUserAccess, type UserRow } from './users.repo.js';

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

/** User rows for auth (sign-up, login), profiles and the admin's access changes. */
export const userAccounts = {
  insert: insertUser,
  findByPhone: findUserByPhone,
  findById: findUserById,
  changeAccess: updateUserAccess,
};

/** GDPR erasure of the users row (flow: src/flows/erase-user.ts): lock it, then anonymise it. */
export const userErasure = { lock: lockUserForErasure, anonymise: anonymiseUser };
