import type { DbHandle } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { findProviderProfile, upsertProviderProfile, type ProviderProfileRow } from './providers.repo.js';
import type { ProviderProfile } from './providers.schema.js';
import type { WorkingHours } from './working-hours.js';

/** Service types are matched case-sensitively as given, duplicates dropped. */
function uniqueServiceTypes(types: string[]): string[] {
  return [...new Set(types.map((t) => t.trim()))];
}

export function toProviderProfile(row: ProviderProfileRow): ProviderProfile {
  return {
    userId: row.user_id,
    serviceTypes: row.service_types,
    workingHours: row.working_hours as ProviderProfile['workingHours'],
  };
}

export async function saveProviderProfile(
  db: DbHandle,
  userId: string,
  input: { serviceTypes: string[]; workingHours?: WorkingHours },
) {
  const row = await upsertProviderProfile(db, userId, {
    serviceTypes: uniqueServiceTypes(input.serviceTypes),
    workingHours: input.workingHours ?? {},
  });
  return toProviderProfile(row);
}

/**
 * The profile that makes `userId` bookable; 404 when they are not a provider.
 * `lock` holds the row until the transaction ends, so bookings for one provider take turns.
 */
export async function getProviderProfile(
  db: DbHandle,
  userId: string,
  opts: { lock?: boolean } = {},
): Promise<ProviderProfileRow> {
  const row = await findProviderProfile(db, userId, opts);
  if (!row) throw notFound('Provider');
  return row;
}
