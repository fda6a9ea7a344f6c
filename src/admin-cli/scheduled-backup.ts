import { readdirSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { Gauge } from 'prom-client';
import { defineTask, JobPriority } from '../platform/jobs/task.js';
import type { Platform } from '../platform/runtime.js';
import { metricsRegistry } from '../platform/observability/metrics.js';
import { backup, defaultBackupFile } from './backup.js';
import { ledgerInvariants } from './ledger-check.js';
import { manifestPathOf } from './manifest.js';
import { verifyBackup } from './verify.js';

/** A dump that failed verification is kept under this suffix for a look, and never counts as a copy. */
const UNVERIFIED_SUFFIX = '.unverified';

export const backupTask = defineTask({ name: 'ops.backup', schema: z.object({}), maxAttempts: 3 });

const lastVerified = new Gauge({
  name: 'smartline_backup_last_verified_timestamp_seconds',
  help: 'When the last scheduled backup was written and verified (alert when it gets old)',
  registers: [metricsRegistry],
});

export interface ScheduledBackupSettings {
  url: string;
  schema: string;
  dir: string;
  keep: number;
  /** Where pg_dump / pg_restore are looked up (config PATH). */
  binPath?: string;
}

export interface ScheduledBackupResult {
  file: string;
  tables: number;
  pruned: string[];
}

/** Dumps of `schema` in `dir`, oldest first (their names carry an ISO timestamp, so names sort by age). */
export function listBackups(dir: string, schema: string): string[] {
  const prefix = `smartline-${schema}-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith('.dump'))
    .sort()
    .map((n) => resolve(dir, n));
}

/** Deletes all but the newest `keep` dumps (with their manifests); returns what it deleted. */
export function pruneBackups(dir: string, schema: string, keep: number): string[] {
  const all = listBackups(dir, schema);
  const old = all.slice(0, Math.max(0, all.length - keep));
  for (const file of old) {
    rmSync(file, { force: true });
    rmSync(manifestPathOf(file), { force: true });
  }
  return old;
}

/**
 * One scheduled backup: dump, restore into a scratch database and compare
 * every table with the manifest (plus the ledger invariants), and only then
 * prune to `keep` copies, so a bad dump never pushes out a good one.
 */
export async function runScheduledBackup(s: ScheduledBackupSettings, now = new Date()): Promise<ScheduledBackupResult> {
  const file = defaultBackupFile(s.dir, s.schema, now);
  const binPath = s.binPath || undefined;
  await backup({ url: s.url, schema: s.schema, file, binPath });
  const report = await verifyBackup({ url: s.url, file, checks: [ledgerInvariants], binPath });
  if (!report.ok) {
    renameSync(file, `${file}${UNVERIFIED_SUFFIX}`);
    renameSync(manifestPathOf(file), `${manifestPathOf(file)}${UNVERIFIED_SUFFIX}`);
    const failed = [...report.tables, ...report.checks].filter((x) => !x.ok).length;
    throw new Error(`backup ${file} did not verify (${failed} problem(s)); kept as ${file}${UNVERIFIED_SUFFIX}`);
  }
  lastVerified.set(Date.now() / 1000);
  return { file, tables: report.tables.length, pruned: pruneBackups(s.dir, s.schema, s.keep) };
}

/** BACKUP_CRON set: a worker of the cluster runs the backup at each tick (graphile-worker crontab); unset: none. */
export function scheduleBackups({ config, database, jobs }: Pick<Platform, 'config' | 'database' | 'jobs'>): void {
  if (!config.BACKUP_CRON) return;
  const settings: ScheduledBackupSettings = {
    url: database.url,
    schema: config.DB_SCHEMA,
    dir: config.BACKUP_DIR,
    keep: config.BACKUP_KEEP,
    binPath: config.PATH,
  };
  jobs.register(backupTask, async (_payload, ctx) => {
    const result = await runScheduledBackup(settings);
    ctx.log.info(
      { file: result.file, tables: result.tables, pruned: result.pruned.length },
      'scheduled backup verified',
    );
  });
  jobs.schedule(backupTask, config.BACKUP_CRON, { priority: JobPriority.LOW });
}
