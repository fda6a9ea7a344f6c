import type { Generated } from 'kysely';
import type { DbHandle } from '../db/database.js';

type AuditTables = {
  audit_log: {
    id: Generated<number>;
    actor_id: string | null;
    action: string;
    target_type: string;
    target_id: string;
    details: unknown;
    created_at: Generated<Date>;
  };
};

const q = (db: DbHandle) => db.withTables<AuditTables>();

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  /** Never personal data: the audit log outlives erasure. */
  details?: Record<string, unknown>;
}

/** Appends an audit row in the caller's transaction, so it exists iff the change does. */
export async function recordAudit(db: DbHandle, entry: AuditEntry): Promise<void> {
  await q(db)
    .insertInto('audit_log')
    .values({
      actor_id: entry.actorId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
