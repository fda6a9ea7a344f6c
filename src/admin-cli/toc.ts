import { writeFileSync } from 'node:fs';
import { runTool } from './pg-tools.js';

const SCHEMA_ENTRY = /^\d+; \d+ \d+ SCHEMA - (\S+) /;
const PUBLIC_SCHEMA_ENTRIES = /^\d+; \d+ \d+ (SCHEMA - public|COMMENT - SCHEMA public) /;

export interface Toc {
  schemas: string[];
  /** The archive's table of contents without `CREATE SCHEMA public`, which every database already has. */
  filtered: string;
}

export function parseToc(list: string): Toc {
  const lines = list.split('\n');
  const schemas = lines.flatMap((l) => SCHEMA_ENTRY.exec(l)?.[1] ?? []);
  return { schemas, filtered: lines.filter((l) => !PUBLIC_SCHEMA_ENTRIES.test(l)).join('\n') };
}

/** Reads the dump's TOC and writes the filtered list for `pg_restore --use-list`. */
export async function writeRestoreList(dumpFile: string, listFile: string, binPath: string): Promise<Toc> {
  const { stdout } = await runTool('pg_restore', ['--list', dumpFile], 'postgres://localhost/postgres', binPath);
  const toc = parseToc(stdout);
  writeFileSync(listFile, toc.filtered);
  return toc;
}
