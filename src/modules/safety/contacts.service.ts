import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { listContacts, replaceContacts, type EmergencyContactRow } from './contacts.repo.js';

export interface ContactInput {
  name: string;
  phone?: string | null;
  email?: string | null;
}

const toView = (c: EmergencyContactRow) => ({ id: c.id, name: c.name, phone: c.phone, email: c.email });

export async function getEmergencyContacts(db: Db, userId: string) {
  return { contacts: (await listContacts(db, userId)).map(toView) };
}

/** Replaces the caller's emergency contacts (≤ 5, validated and normalised by the schema). */
export async function putEmergencyContacts(db: Db, userId: string, contacts: ContactInput[]) {
  const rows = await withTransaction(db, (tx) =>
    replaceContacts(
      tx,
      userId,
      contacts.map((c) => ({ name: c.name, phone: c.phone ?? null, email: c.email ?? null })),
    ),
  );
  return { contacts: rows.map(toView) };
}
