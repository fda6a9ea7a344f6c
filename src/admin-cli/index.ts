import type { Config } from '../config.js';
import { backup, defaultBackupFile } from './backup.js';
import { ledgerInvariants } from './ledger-check.js';
import { manifestPathOf } from './manifest.js';
import { MissingToolError } from './pg-tools.js';
import { restore } from './restore.js';
import { resolveTarget } from './target.js';
import { verifyBackup, type VerifyReport } from './verify.js';

export { backup, restore, verifyBackup, ledgerInvariants, type VerifyReport };

const USAGE = `usage:
  smartline admin backup [file]          dump DB_SCHEMA and its job schema (pg_dump, custom format) + <file>.manifest.json
  smartline admin restore <file>         replace those schemas with the backup, in one transaction (stop the app first)
  smartline admin verify-backup <file>   restore into a scratch database, compare row counts and checksums per table`;

type Out = (line: string) => void;

function printReport(report: VerifyReport, out: Out) {
  for (const t of report.tables) {
    const rows = `${t.expected?.rows ?? '—'} → ${t.actual?.rows ?? '—'}`;
    out(
      `${t.ok ? 'ok  ' : 'FAIL'} ${t.schema}.${t.table} rows ${rows}${t.ok ? '' : ` checksum ${t.expected?.checksum ?? '—'} → ${t.actual?.checksum ?? '—'}`}`,
    );
  }
  for (const c of report.checks)
    out(`${c.ok ? 'ok  ' : 'FAIL'} check ${c.name}${c.ok ? '' : ` ${JSON.stringify(c.details)}`}`);
  const bad = report.tables.filter((t) => !t.ok).length + report.checks.filter((c) => !c.ok).length;
  out(
    report.ok
      ? `backup verified: ${report.tables.length} tables match, ${report.checks.length} checks pass`
      : `backup does NOT verify: ${bad} problem(s)`,
  );
}

async function run(command: string | undefined, file: string | undefined, config: Config, out: Out): Promise<number> {
  if (command === 'backup') {
    const target = await resolveTarget(config);
    try {
      out(`backing up schema ${config.DB_SCHEMA} from ${target.description}`);
      const dest = file ?? defaultBackupFile(config.BACKUP_DIR, config.DB_SCHEMA);
      const m = await backup({ url: target.url, schema: config.DB_SCHEMA, file: dest, binPath: config.PATH });
      const rows = m.tables.reduce((n, t) => n + t.rows, 0);
      out(
        `wrote ${dest} (${m.bytes} bytes, sha256 ${m.sha256}): schemas ${m.schemas.join(', ')}, ${m.tables.length} tables, ${rows} rows`,
      );
      out(`manifest ${manifestPathOf(dest)}`);
      return 0;
    } finally {
      await target.release();
    }
  }
  if ((command === 'restore' || command === 'verify-backup') && file) {
    const target = await resolveTarget(config);
    try {
      if (command === 'restore') {
        out(`restoring ${file} into schema ${config.DB_SCHEMA} on ${target.description}`);
        const r = await restore({ url: target.url, schema: config.DB_SCHEMA, file, binPath: config.PATH });
        out(
          `restored schemas ${r.schemas.join(', ')}${r.checkedSha ? ' (dump checksum matched its manifest)' : ' (no manifest: checksum not checked)'}; restart the app`,
        );
        return 0;
      }
      out(`verifying ${file} on ${target.description}`);
      const report = await verifyBackup({ url: target.url, file, checks: [ledgerInvariants], binPath: config.PATH });
      printReport(report, out);
      return report.ok ? 0 : 1;
    } finally {
      await target.release();
    }
  }
  out(USAGE);
  return 2;
}

/** `smartline admin …`; returns the process exit code. Errors are explained, never stack-dumped. */
export async function runAdminCli(
  args: string[],
  config: Config,
  out: Out = (l) => process.stdout.write(`${l}\n`),
  err: Out = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  try {
    return await run(args[0], args[1], config, out);
  } catch (e) {
    err(
      e instanceof MissingToolError
        ? e.message
        : `admin ${args[0]} failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    return 1;
  }
}
