import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSchemaSql } from './backup.repo.js';
import { manifestPathOf, readManifest, sha256File } from './manifest.js';
import { defaultToolPath, findTool, runTool } from './pg-tools.js';
import { writeRestoreList } from './toc.js';

// Fail fast instead of queueing behind a running app's locks; the transaction then changes nothing.
const LOCK_TIMEOUT = '10s';

/**
 * Replaces the dumped schemas of the target database with the dump's content
 * in ONE transaction (psql --single-transaction): the schemas are emptied and
 * refilled, or, on any error, left exactly as they were. Stop the app
 * (serve/worker) first; restart it afterwards.
 */
export async function restore(opts: {
  url: string;
  schema: string;
  file: string;
  binPath?: string;
}): Promise<{ schemas: string[]; checkedSha: boolean }> {
  const binPath = opts.binPath ?? defaultToolPath();
  findTool('psql', binPath); // all tools up front: never half-way
  findTool('pg_restore', binPath);
  if (!existsSync(opts.file)) throw new Error(`no such backup file: ${opts.file}`);
  let checkedSha = false;
  if (existsSync(manifestPathOf(opts.file))) {
    const manifest = readManifest(opts.file);
    if ((await sha256File(opts.file)) !== manifest.sha256)
      throw new Error('dump checksum does not match its manifest: refusing to restore a corrupted file');
    checkedSha = true;
  }
  const work = mkdtempSync(join(tmpdir(), 'smartline-restore-'));
  try {
    const listFile = join(work, 'restore.list');
    const sqlFile = join(work, 'restore.sql');
    const toc = await writeRestoreList(opts.file, listFile, binPath);
    if (!toc.schemas.includes(opts.schema)) {
      throw new Error(
        `the backup holds schemas [${toc.schemas.join(', ')}], not DB_SCHEMA "${opts.schema}"; restoring into another schema is not supported`,
      );
    }
    await runTool(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--no-comments', `--use-list=${listFile}`, `--file=${sqlFile}`, opts.file],
      opts.url,
      binPath,
    );
    const prologue = [
      `SET lock_timeout = '${LOCK_TIMEOUT}';`,
      'SET client_min_messages = warning;',
      ...toc.schemas.map(clearSchemaSql),
    ].join('\n');
    await runTool(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-c', prologue, '-f', sqlFile],
      opts.url,
      binPath,
    );
    return { schemas: toc.schemas, checkedSha };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
