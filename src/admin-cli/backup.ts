import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import pg from 'pg';
import {
  existingSchemas,
  listTables,
  serverMajorVersion,
  STABLE_OUTPUT_SQL,
  tableStat,
  type TableStat,
} from './backup.repo.js';
import { manifestPathOf, sha256File, type BackupManifest } from './manifest.js';
import { defaultToolPath, findTool, runTool, toolMajorVersion } from './pg-tools.js';
import { backupSchemas } from './schemas.js';

export function defaultBackupFile(dir: string, schema: string, now = new Date()): string {
  return resolve(dir, `smartline-${schema}-${now.toISOString().replace(/[:.]/g, '-')}.dump`);
}

/** Refuses early (and says why) when pg_dump is older than the server: it would refuse anyway, less clearly. */
export async function assertClientFits(
  client: pg.Client,
  binPath: string,
): Promise<{ serverMajor: number; pgDumpMajor: number }> {
  const serverMajor = await serverMajorVersion(client);
  const pgDumpMajor = await toolMajorVersion('pg_dump', binPath);
  if (pgDumpMajor < serverMajor) {
    throw new Error(
      `pg_dump ${pgDumpMajor} cannot dump a PostgreSQL ${serverMajor} server: install ` +
        `postgresql-client-${serverMajor} and put it first on PATH`,
    );
  }
  return { serverMajor, pgDumpMajor };
}

export async function collectStats(client: pg.Client, schemas: string[]): Promise<TableStat[]> {
  const stats: TableStat[] = [];
  for (const t of await listTables(client, schemas)) stats.push(await tableStat(client, t.schema, t.table));
  return stats;
}

/**
 * Consistent online backup: one REPEATABLE READ transaction exports its
 * snapshot; the manifest's counts/checksums are read in it and pg_dump
 * (--snapshot) dumps exactly the same data, however many writes happen meanwhile.
 */
export async function backup(opts: {
  url: string;
  schema: string;
  file: string;
  binPath?: string;
}): Promise<BackupManifest> {
  const binPath = opts.binPath ?? defaultToolPath();
  findTool('pg_dump', binPath);
  const file = resolve(opts.file);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const client = new pg.Client({ connectionString: opts.url, application_name: 'smartline-admin' });
  await client.connect();
  try {
    await client.query(STABLE_OUTPUT_SQL);
    const versions = await assertClientFits(client, binPath);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
    const schemas = await existingSchemas(client, backupSchemas(opts.schema));
    if (!schemas.includes(opts.schema))
      throw new Error(`schema "${opts.schema}" (DB_SCHEMA) does not exist in this database`);
    const tables = await collectStats(client, schemas);
    const schemaArgs = schemas.flatMap((s) => ['--schema', `"${s}"`]);
    await runTool(
      'pg_dump',
      ['--format=custom', `--file=${partial}`, `--snapshot=${snapshot}`, '--extension=*', ...schemaArgs],
      opts.url,
      binPath,
    );
    await client.query('COMMIT');
    const manifest: BackupManifest = {
      format: 'smartline-backup/1',
      createdAt: new Date().toISOString(),
      schemas: [opts.schema, ...schemas.filter((s) => s !== opts.schema)],
      ...versions,
      dumpFile: basename(file),
      bytes: statSync(partial).size,
      sha256: await sha256File(partial),
      tables,
    };
    renameSync(partial, file);
    writeFileSync(manifestPathOf(file), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}
