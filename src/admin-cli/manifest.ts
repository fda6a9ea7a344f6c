import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type { TableStat } from './backup.repo.js';

/**
 * Written next to every dump (`<file>.manifest.json`): what the database
 * held, table by table, in the very snapshot pg_dump exported. verify-backup
 * restores the dump elsewhere and must find exactly this.
 */
export interface BackupManifest {
  format: 'smartline-backup/1';
  createdAt: string;
  /** The app schema (DB_SCHEMA) first, then its graphile-worker schema when present. */
  schemas: string[];
  serverMajor: number;
  pgDumpMajor: number;
  dumpFile: string;
  bytes: number;
  sha256: string;
  tables: TableStat[];
}

export const manifestPathOf = (dumpFile: string) => `${dumpFile}.manifest.json`;

export function readManifest(dumpFile: string): BackupManifest {
  const path = manifestPathOf(dumpFile);
  if (!existsSync(path))
    throw new Error(
      `no manifest at ${path}: keep the .manifest.json written by "smartline admin backup" next to the dump`,
    );
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
  if (manifest.format !== 'smartline-backup/1') throw new Error(`${path} is not a smartline backup manifest`);
  return manifest;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface TableComparison {
  schema: string;
  table: string;
  expected: { rows: number; checksum: string } | null;
  actual: { rows: number; checksum: string } | null;
  ok: boolean;
}

/** Table-by-table comparison; a table missing on either side is a mismatch. */
export function compareTables(expected: TableStat[], actual: TableStat[]): TableComparison[] {
  const key = (t: { schema: string; table: string }) => `${t.schema}.${t.table}`;
  const got = new Map(actual.map((t) => [key(t), t]));
  const want = new Map(expected.map((t) => [key(t), t]));
  const names = [...new Set([...want.keys(), ...got.keys()])].sort();
  return names.map((name) => {
    const e = want.get(name);
    const a = got.get(name);
    const [schema, table] = [(e ?? a)!.schema, (e ?? a)!.table];
    const pick = (t: TableStat | undefined) => (t ? { rows: t.rows, checksum: t.checksum } : null);
    return {
      schema,
      table,
      expected: pick(e),
      actual: pick(a),
      ok: !!e && !!a && e.rows === a.rows && e.checksum === a.checksum,
    };
  });
}
