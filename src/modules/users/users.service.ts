import type { DbHandle } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { maskPhone } from '../../platform/observability/logger.js';
import type { AuthUser } from '../../platform/http/route-config.js';
import { anonymiseUser, lockUserForErasure } from './erasure.repo.js';
import type { Locale } from '../../shared/index.js';
import {
  findUserById,
  findUserByPhone,
  findUsersByIds,
  insertUser,
  updateUserAccess,
  updateUserProfile,
  updateUserRating,
  type UserRow,
} from './users.repo.js';

export interface PublicUser {
  id: string;
  phone: string;
  name: string;
  role: UserRow['role'];
  /** Only for the user and admins, like the full phone. */
  locale?: Locale;
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
    ...(canSeePhone ? { locale: row.locale } : {}),
    createdAt: row.created_at.toISOString(),
  };
}

/** PATCH /me: the caller's own name and language. */
export async function updateProfile(db: DbHandle, args: { userId: string; name?: string; locale?: Locale }) {
  const row = await updateUserProfile(db, args);
  if (!row) throw notFound('User');
  return row;
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
  findMany: findUsersByIds,
  changeAccess: updateUserAccess,
  setRating: updateUserRating,
};

/** GET /me: the User plus the rating the other side of their trips gave them (issue 16). */
export function toMe(row: UserRow, viewer: Pick<AuthUser, 'id' | 'role'>) {
  return { ...toPublicUser(row, viewer), rating: Number(row.rating), ratingsCount: row.ratings_count };
}

/** GDPR erasure of the users row (flow: src/flows/erase-user.ts): lock it, then anonymise it. */
export const userErasure = { lock: lockUserForErasure, anonymise: anonymiseUser };
