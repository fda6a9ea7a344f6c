import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { notFound } from '../../platform/errors.js';
import { FLAG_NAMES, isFlagName, type FeatureFlags, type FlagName } from '../../platform/flags.js';
import {
  deleteOverride,
  findOverride,
  insertFlagChange,
  listFlagChanges,
  lockFlag,
  notifyFlagsChanged,
  readOverrides,
  upsertOverride,
} from '../../platform/flags.repo.js';

export interface FlagView {
  name: FlagName;
  enabled: boolean;
  source: 'env' | 'override';
  envDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface FlagChangeView {
  id: number;
  flag: string;
  oldEnabled: boolean;
  newEnabled: boolean;
  overrideRemoved: boolean;
  reason: string | null;
  changedBy: string | null;
  changedAt: string;
}

type OverrideRow = Awaited<ReturnType<typeof findOverride>>;

export interface FlagAdminDeps {
  db: Db;
  schema: string;
  flags: FeatureFlags;
  /** Re-reads the overrides on this node (FlagSync.refresh), so the answer and this node agree at once. */
  refresh: () => Promise<void>;
}

/**
 * Cluster-wide flag overrides: each change is written with its audit row and
 * a NOTIFY in one transaction, so every node hears of it only once it is
 * durable, and the audit trail can never miss a change.
 */
export class FlagAdmin {
  constructor(private readonly deps: FlagAdminDeps) {}

  async list(): Promise<FlagView[]> {
    const rows = new Map((await readOverrides(this.deps.db)).map((r) => [r.name, r]));
    return FLAG_NAMES.map((name) => this.view(name, rows.get(name)));
  }

  /** PUT semantics: the same body twice leaves one override and one audit row. */
  async set(adminId: string, rawName: string, input: { enabled: boolean; reason?: string }): Promise<FlagView> {
    const name = this.known(rawName);
    const row = await withTransaction(this.deps.db, async (tx) => {
      await lockFlag(tx, name);
      const current = await findOverride(tx, name);
      if (current && current.enabled === input.enabled) return current;
      const written = await upsertOverride(tx, { name, enabled: input.enabled, by: adminId });
      const oldEnabled = current ? current.enabled : this.deps.flags.envDefault(name);
      await insertFlagChange(tx, {
        flag: name,
        oldEnabled,
        newEnabled: input.enabled,
        overrideRemoved: false,
        reason: input.reason ?? null,
        by: adminId,
      });
      await notifyFlagsChanged(tx, this.deps.schema, name);
      return written;
    });
    await this.deps.refresh();
    return this.view(name, row);
  }

  /** Drops the override: the flag goes back to each node's env default. Idempotent. */
  async clear(adminId: string, rawName: string, reason?: string): Promise<void> {
    const name = this.known(rawName);
    await withTransaction(this.deps.db, async (tx) => {
      await lockFlag(tx, name);
      const current = await findOverride(tx, name);
      if (!current) return;
      await deleteOverride(tx, name);
      await insertFlagChange(tx, {
        flag: name,
        oldEnabled: current.enabled,
        newEnabled: this.deps.flags.envDefault(name),
        overrideRemoved: true,
        reason: reason ?? null,
        by: adminId,
      });
      await notifyFlagsChanged(tx, this.deps.schema, name);
    });
    await this.deps.refresh();
  }

  async audit(query: {
    flag?: string;
    limit: number;
    cursor?: string;
  }): Promise<{ items: FlagChangeView[]; nextCursor: string | null }> {
    if (query.flag !== undefined) this.known(query.flag);
    const rows = await listFlagChanges(this.deps.db, {
      flag: query.flag,
      limit: query.limit,
      beforeId: query.cursor ? Number(query.cursor) : undefined,
    });
    const page = rows.slice(0, query.limit);
    const items = page.map((r) => ({
      id: r.id,
      flag: r.flag,
      oldEnabled: r.old_enabled,
      newEnabled: r.new_enabled,
      overrideRemoved: r.override_removed,
      reason: r.reason,
      changedBy: r.changed_by,
      changedAt: r.changed_at.toISOString(),
    }));
    return { items, nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null };
  }

  /** API.md: an unknown id is 404; flag names are the ids here. */
  private known(name: string): FlagName {
    if (!isFlagName(name)) throw notFound(`Flag ${name}`);
    return name;
  }

  private view(name: FlagName, row: OverrideRow): FlagView {
    const envDefault = this.deps.flags.envDefault(name);
    if (!row) return { name, enabled: envDefault, source: 'env', envDefault, updatedAt: null, updatedBy: null };
    return {
      name,
      enabled: row.enabled,
      source: 'override',
      envDefault,
      updatedAt: row.updated_at.toISOString(),
      updatedBy: row.updated_by,
    };
  }
}
