import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { createTransfers, ensureWallet, systemAccounts } from '../../src/modules/ledger/index.js';
import { backup, restore, verifyBackup, ledgerInvariants, runAdminCli } from '../../src/admin-cli/index.js';
import { collectStats } from '../../src/admin-cli/backup.js';
import { STABLE_OUTPUT_SQL } from '../../src/admin-cli/backup.repo.js';
import { compareTables, readManifest } from '../../src/admin-cli/manifest.js';
import { book, provider } from '../bookings/fixtures.js';

const URL_ = process.env.DATABASE_URL!;

async function statsOf(url: string, schemas: string[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(STABLE_OUTPUT_SQL);
    return await collectStats(client, schemas);
  } finally {
    await client.end();
  }
}

describe('admin backup / restore / verify-backup', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    t = await startTestApp('backup', { DB_POOL_MAX: '12' }); // the test server is shared: stay small
    dir = mkdtempSync(join(tmpdir(), 'smartline-backup-test-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  /** Bookings through the API and wallet deposits through the ledger, until told to stop. */
  function startWriters(n: number) {
    const state = { stop: false, bookings: 0, deposits: 0 };
    const done = Promise.all(
      Array.from({ length: n }, async (_, w) => {
        const rider = await t.signup('rider');
        const p = await provider(t);
        const db = t.platform.database.db;
        const { provider_clearing } = await systemAccounts(db);
        const wallet = await withTransaction(db, (tx) => ensureWallet(tx, { ownerId: rider.id, kind: 'rider_wallet' }));
        for (let i = 0; !state.stop; i++) {
          await book(t, rider, p.id);
          state.bookings++;
          const id = `test-deposit:${t.schema}:${w}:${i}`;
          const [r] = await withTransaction(db, (tx) =>
            createTransfers(tx, [
              {
                id,
                type: 'posted',
                debitAccountId: provider_clearing,
                creditAccountId: wallet.id,
                amount: 500 + i,
                kind: 'deposit',
              },
            ]),
          );
          assert.equal(r!.status, 'created');
          state.deposits++;
        }
      }),
    );
    return {
      state,
      stop: async () => {
        state.stop = true;
        await done;
      },
    };
  }

  test(
    'a backup taken while writes are happening restores to a copy whose counts and checksums verify (and the ' +
      'ledger balances)',
    async (ctx) => {
      const writers = startWriters(4);
      while (writers.state.deposits < 20) await new Promise((r) => setTimeout(r, 20));
      const file = join(dir, 'online.dump');
      const writesBefore = writers.state.bookings + writers.state.deposits;
      const manifest = await backup({ url: URL_, schema: t.schema, file });
      const writesDuring = writers.state.bookings + writers.state.deposits - writesBefore;
      await writers.stop();
      assert.ok(writesDuring > 0, `writes continued during the backup (${writesDuring})`);
      assert.deepEqual(manifest.schemas, [t.schema, `${t.schema}_jobs`]);
      const bookingsInBackup = manifest.tables.find((x) => x.schema === t.schema && x.table === 'bookings')!.rows;
      assert.ok(bookingsInBackup > 0);
      assert.ok((await t.count('bookings')) > bookingsInBackup, 'the live database moved on after the snapshot');

      const report = await verifyBackup({ url: URL_, file, checks: [ledgerInvariants] });
      assert.equal(report.ok, true, JSON.stringify(report.tables.filter((x) => !x.ok)));
      assert.ok(report.tables.length >= 20, `every table compared (${report.tables.length})`);
      assert.deepEqual(
        report.checks.map((c) => [c.name, c.ok]),
        [['ledger_invariants', true]],
      );
      const rows = manifest.tables.reduce((n, x) => n + x.rows, 0);
      ctx.diagnostic(
        `backup: ${manifest.tables.length} tables, ${rows} rows, ${bookingsInBackup} bookings; ${writesDuring} ` +
          `writes committed during pg_dump; verify: ` +
          `${report.tables.filter((x) => x.ok).length}/${report.tables.length} tables match, ledger ok`,
      );
      const scratchLeft = await t.platform.database.pool.query(
        'SELECT count(*)::int AS n FROM pg_database WHERE datname = $1',
        [report.scratchDatabase],
      );
      assert.equal(scratchLeft.rows[0].n, 0, 'scratch database dropped');
    },
  );

  test('restore puts the schemas back exactly as backed up, in one transaction; the app keeps working', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const kept = await book(t, rider, p.id);
    const file = join(dir, 'restore.dump');
    const manifest = await backup({ url: URL_, schema: t.schema, file });
    const later = await book(t, rider, p.id);
    await t.api('DELETE', `/api/v1/bookings/${kept.id}`, { token: rider.accessToken });

    await restore({ url: URL_, schema: t.schema, file });
    const now = await statsOf(URL_, manifest.schemas);
    const diff = compareTables(manifest.tables, now).filter((x) => !x.ok);
    assert.deepEqual(diff, [], 'live schemas equal the manifest again');
    assert.equal(
      (await t.api('GET', `/api/v1/bookings/${kept.id}`, { token: rider.accessToken })).status,
      200,
      'deleted after the backup: back',
    );
    assert.equal(
      (await t.api('GET', `/api/v1/bookings/${later.id}`, { token: rider.accessToken })).status,
      404,
      'created after the backup: gone',
    );
    // The exclusion constraint came back too: the restored slot is still taken.
    const clash = await t.api('POST', '/api/v1/bookings', {
      token: rider.accessToken,
      body: { providerId: p.id, serviceType: 'oil_change', startsAt: kept.startsAt, endsAt: kept.endsAt, address: 'x' },
    });
    assert.equal(clash.status, 409);
  });

  test('a failing restore changes nothing', async () => {
    const file = join(dir, 'broken.dump');
    await backup({ url: URL_, schema: t.schema, file });
    const before = await statsOf(URL_, [t.schema]);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.8))); // truncated archive
    rmSync(`${file}.manifest.json`);
    await assert.rejects(restore({ url: URL_, schema: t.schema, file }));
    assert.deepEqual(
      compareTables(before, await statsOf(URL_, [t.schema])).filter((x) => !x.ok),
      [],
    );
  });

  test('verify-backup catches a corrupted dump and a manifest that does not match', async () => {
    const file = join(dir, 'tamper.dump');
    await backup({ url: URL_, schema: t.schema, file });
    const manifestPath = `${file}.manifest.json`;
    const manifest = readManifest(file);
    const bookings = manifest.tables.find((x) => x.table === 'bookings')!;
    bookings.rows += 1;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const report = await verifyBackup({ url: URL_, file });
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.tables.filter((x) => !x.ok).map((x) => x.table),
      ['bookings'],
    );
    appendFileSync(file, 'garbage');
    await assert.rejects(verifyBackup({ url: URL_, file }), /checksum mismatch/);
  });

  test('CLI: smartline admin backup + verify-backup through src/main.ts; missing tools are named', async () => {
    const file = join(dir, 'cli.dump');
    const env = { ...process.env, DATABASE_URL: URL_, DB_SCHEMA: t.schema, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
    const b = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'admin', 'backup', file], {
      env,
      encoding: 'utf8',
    });
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /wrote .*cli\.dump/);
    const v = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'admin', 'verify-backup', file], {
      env,
      encoding: 'utf8',
    });
    assert.equal(v.status, 0, v.stderr + v.stdout);
    assert.match(v.stdout, /backup verified: \d+ tables match, 1 checks pass/);
    const usage = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'admin', 'restore'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(usage.status, 2);

    const lines: string[] = [];
    const viaConfig = await runAdminCli(
      ['backup', join(dir, 'x.dump')],
      t.config,
      (l) => lines.push(l),
      (l) => lines.push(l),
    );
    assert.equal(viaConfig, 0, lines.join('\n'));
    const errs: string[] = [];
    const code = await runAdminCli(
      ['verify-backup', file],
      { ...t.config, PATH: '/nonexistent' },
      () => {},
      (l) => errs.push(l),
    );
    assert.equal(code, 1);
    assert.match(errs.join('\n'), /pg_restore not found on PATH[\s\S]*postgresql-client-15/);
  });

  test('DB_SCHEMA=public (the embedded default): backup, verify and restore leave the extensions alone', async () => {
    const dbName = `smartline_pub_${randomBytes(4).toString('hex')}`;
    await t.platform.database.pool.query(`CREATE DATABASE "${dbName}"`);
    const u = new URL(URL_);
    u.pathname = `/${dbName}`;
    const pubUrl = u.toString();
    try {
      const { createPlatform } = await import('../../src/platform/runtime.js');
      const { loadConfig } = await import('../../src/config.js');
      const platform = await createPlatform(
        loadConfig({
          NODE_ENV: 'test',
          DATABASE_URL: pubUrl,
          DB_SCHEMA: 'public',
          LOG_LEVEL: 'silent',
          DB_POOL_MAX: '3',
        }),
      );
      const pool = platform.database.pool;
      await pool.query(
        `INSERT INTO users (phone, name, role, password_hash) VALUES ('+201000000001', 'A', 'rider', 'x'), ` +
          `('+201000000002', 'B', 'driver', 'x')`,
      );
      const file = join(dir, 'public.dump');
      const manifest = await backup({ url: pubUrl, schema: 'public', file });
      assert.deepEqual(manifest.schemas, ['public', 'graphile_worker']);
      assert.equal((await verifyBackup({ url: pubUrl, file, checks: [ledgerInvariants] })).ok, true);
      await pool.query(
        `INSERT INTO users (phone, name, role, password_hash) VALUES ('+201000000003', 'C', 'rider', 'x')`,
      );
      await platform.close();
      await restore({ url: pubUrl, schema: 'public', file });
      const after = await statsOf(pubUrl, ['public', 'graphile_worker']);
      assert.deepEqual(
        compareTables(manifest.tables, after).filter((x) => !x.ok),
        [],
      );
      const ext = await statsOfExtensions(pubUrl);
      assert.ok(ext.includes('btree_gist'), 'btree_gist survived the restore of public');
    } finally {
      await t.platform.database.pool.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    }
  });
});

async function statsOfExtensions(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ extname: string }>('SELECT extname FROM pg_extension')).rows.map((r) => r.extname);
  } finally {
    await client.end();
  }
}
