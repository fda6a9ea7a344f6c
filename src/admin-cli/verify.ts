import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { STABLE_OUTPUT_SQL } from './backup.repo.js';
import { collectStats } from './backup.js';
import { compareTables, readManifest, sha256File, type TableComparison } from './manifest.js';
import { defaultToolPath, findTool, runTool } from './pg-tools.js';
import { writeRestoreList } from './toc.js';

export interface VerifyReport {
  ok: boolean;
  scratchDatabase: string;
  tables: TableComparison[];
  /** Extra checks run on the restored copy (e.g. ledger invariants) and their outcome. */
  checks: Array<{ name: string; ok: boolean; details?: unknown }>;
}

export type RestoredCheck = (
  restoredUrl: string,
  schema: string,
) => Promise<{ name: string; ok: boolean; details?: unknown }>;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdminClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'smartline-admin' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Restores the dump into a fresh scratch database on the same server and
 * compares every table's row count and checksum with the manifest written at
 * backup time. The scratch database is always dropped afterwards.
 */
export async function verifyBackup(opts: {
  url: string;
  file: string;
  checks?: RestoredCheck[];
  binPath?: string;
}): Promise<VerifyReport> {
  const binPath = opts.binPath ?? defaultToolPath();
  findTool('pg_restore', binPath);
  const manifest = readManifest(opts.file);
  const sha = await sha256File(opts.file);
  if (sha !== manifest.sha256)
    throw new Error(`dump checksum mismatch: manifest says ${manifest.sha256}, file is ${sha} (corrupted or replaced)`);
  const scratch = `smartline_verify_${randomBytes(6).toString('hex')}`;
  const scratchUrl = withDatabase(opts.url, scratch);
  const work = mkdtempSync(join(tmpdir(), 'smartline-verify-'));
  await withAdminClient(opts.url, (c) => c.query(`CREATE DATABASE "${scratch}" TEMPLATE template0`)).catch(
    (err: unknown) => {
      throw new Error(
        `cannot create the scratch database ${scratch} (${err instanceof Error ? err.message : String(err)}): ` +
          `verify-backup needs a role with CREATEDB on this server`,
      );
    },
  );
  try {
    const listFile = join(work, 'restore.list');
    await writeRestoreList(opts.file, listFile, binPath);
    await runTool(
      'pg_restore',
      [
        '--exit-on-error',
        '--single-transaction',
        '--no-owner',
        '--no-privileges',
        '--no-comments',
        `--use-list=${listFile}`,
        `--dbname=${scratch}`,
        opts.file,
      ],
      scratchUrl,
      binPath,
    );
    const actual = await withAdminClient(scratchUrl, async (c) => {
      await c.query(STABLE_OUTPUT_SQL);
      return collectStats(c, manifest.schemas);
    });
    const tables = compareTables(manifest.tables, actual);
    const checks = [];
    for (const check of opts.checks ?? []) checks.push(await check(scratchUrl, manifest.schemas[0]!));
    return { ok: tables.every((t) => t.ok) && checks.every((c) => c.ok), scratchDatabase: scratch, tables, checks };
  } finally {
    await withAdminClient(opts.url, (c) => c.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`)).catch(
      () => {},
    );
    rmSync(work, { recursive: true, force: true });
  }
}
