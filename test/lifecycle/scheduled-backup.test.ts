/**
 * Issue 21.5: recurring work runs from graphile-worker's crontab, and
 * BACKUP_CRON adds a backup that is verified after each run and pruned to
 * BACKUP_KEEP copies.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { JobQueue } from '../../src/platform/jobs/queue.js';
import { verifyBackup } from '../../src/admin-cli/index.js';
import { backupTask, listBackups, scheduleBackups } from '../../src/admin-cli/scheduled-backup.js';
import { RETENTION_JOBS } from '../../src/modules/lifecycle/index.js';

const KEEP = 2;

describe('crontab and the scheduled backup', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smartline-scheduled-backup-'));
    t = await startTestApp('sched_backup', {
      DB_POOL_MAX: '6',
      BACKUP_CRON: '0 3 * * *',
      BACKUP_DIR: dir,
      BACKUP_KEEP: String(KEEP),
    });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the crontab holds retention, archival, reconciliation, partitions and the backup', () => {
    const entries = t.platform.jobs.crontab.entries();
    const match = (task: string) => entries.find((e) => e.task === task)?.match;
    for (const job of RETENTION_JOBS) assert.equal(match(job.task.name), `${job.minute} 1 * * *`);
    assert.equal(match('lifecycle.archive_events'), '30 1 * * *');
    assert.equal(match('payments.reconcile'), '30 0 * * *');
    assert.equal(match('location.maintain_partitions'), '5 0 * * *');
    assert.equal(match('ops.backup'), '0 3 * * *');
    assert.equal(new Set(entries.map((e) => e.identifier)).size, entries.length, 'identifiers are unique');
  });

  test('backups are off by default, and a malformed BACKUP_CRON stops start-up', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test' }).BACKUP_CRON, undefined);
    const jobs = new JobQueue({
      pool: t.platform.database.pool,
      db: t.platform.database.db,
      workerSchema: 'unused',
      log: t.platform.log,
      concurrency: 1,
    });
    scheduleBackups({ config: { ...t.config, BACKUP_CRON: undefined }, database: t.platform.database, jobs });
    assert.deepEqual(jobs.crontab.entries(), []);
    assert.throws(() => loadConfig({ NODE_ENV: 'test', BACKUP_CRON: 'daily' }), ConfigError);
    assert.throws(() => jobs.schedule(backupTask, '61 3 * * *'), /minute|range|invalid/i);
  });

  test('a run writes a dump that verifies and prunes to BACKUP_KEEP copies, leaving other files alone', async () => {
    // Two older copies from earlier runs (names sort by their timestamp) and a dump of another schema.
    const older = ['2020-01-01T03-00-00-000Z', '2020-01-02T03-00-00-000Z'].map((ts) =>
      join(dir, `smartline-${t.schema}-${ts}.dump`),
    );
    for (const f of older) {
      writeFileSync(f, 'old dump');
      writeFileSync(`${f}.manifest.json`, '{}');
    }
    const foreign = join(dir, 'smartline-other_schema-2019-01-01T03-00-00-000Z.dump');
    writeFileSync(foreign, 'not ours');

    await t.platform.jobs.enqueue(t.platform.database.db, backupTask, {});
    await t.platform.jobs.start();
    const deadline = Date.now() + 120_000;
    const fresh = () => listBackups(dir, t.schema).filter((f) => !older.includes(f));
    for (;;) {
      const pending = await t.platform.database.pool.query(
        `SELECT count(*)::int AS n FROM "${t.schema}_jobs".jobs WHERE task_identifier = 'ops.backup'`,
      );
      if (fresh().length === 1 && pending.rows[0].n === 0) break;
      assert.ok(Date.now() < deadline, `backup job did not finish: ${readdirSync(dir).join(', ')}`);
      await sleep(250);
    }
    assert.equal(await t.count('dead_letters'), 0);
    const kept = listBackups(dir, t.schema);
    assert.deepEqual(
      kept.map((f) => basename(f)),
      [basename(older[1]!), basename(fresh()[0]!)],
    );
    assert.ok(!existsSync(older[0]!) && !existsSync(`${older[0]}.manifest.json`), 'oldest copy and manifest pruned');
    assert.ok(existsSync(foreign), "another schema's dump is not ours to prune");
    // The kept dump restores and matches its manifest (what the job checked before pruning).
    const report = await verifyBackup({ url: process.env.DATABASE_URL!, file: fresh()[0]! });
    assert.equal(report.ok, true);
    assert.ok(report.tables.length > 10);
  });
});
