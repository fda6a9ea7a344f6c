import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { systemAccounts, transfer } from '../../src/modules/ledger/index.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LEDGER_TEST_ENV, assertLedgerConsistent, fund, newWallet } from './support.js';

const WALLETS = 8;
const KILL_AFTER_COMMITTED = 1_500;

describe('ledger survives kill -9 mid-burst', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('ledger_kill', LEDGER_TEST_ENV);
  });
  after(async () => t.close());

  test(
    'a child killed with SIGKILL mid-burst leaves no half-written transfer and loses no acknowledged ' + 'one',
    async () => {
      const db = t.platform.database.db;
      const wallets: number[] = [];
      for (let i = 0; i < WALLETS; i++) {
        const w = await newWallet(t, 'rider');
        await fund(db, w.accountId, 1_000_000);
        wallets.push(w.accountId);
      }
      const runId = randomUUID().slice(0, 8);
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/ledger/support/burst-child.ts'], {
        env: { ...process.env, DB_SCHEMA: t.schema, ACCOUNTS: wallets.join(','), RUN_ID: runId },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let acknowledged = 0;
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      for await (const line of createInterface({ input: child.stdout! })) {
        acknowledged = Number(/^committed (\d+)$/.exec(line)?.[1] ?? acknowledged);
        if (acknowledged >= KILL_AFTER_COMMITTED) {
          child.kill('SIGKILL');
          break;
        }
      }
      assert.equal(await exited, 'SIGKILL');

      const pool = t.platform.database.pool;
      const [{ n }] = (
        await pool.query(`SELECT count(*)::int AS n FROM "${t.schema}".ledger_transfers WHERE id LIKE $1`, [
          `kill:${runId}:%`,
        ])
      ).rows;
      assert.ok(
        n >= acknowledged,
        `every acknowledged transfer is durable (${n} stored, ${acknowledged} acknowledged)`,
      );
      await assertLedgerConsistent(db);
      // The killed connections' transactions were rolled back and their row locks released: the same accounts still
      // move.
      const { platform_revenue } = await systemAccounts(db);
      const after = await Promise.race([
        withTransaction(db, (tx) =>
          transfer(tx, {
            id: `kill:${runId}:after`,
            type: 'posted',
            debitAccountId: wallets[0]!,
            creditAccountId: platform_revenue,
            amount: 1,
            kind: 'transfer',
          }),
        ),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('accounts still locked 10 s after the kill')), 10_000),
        ),
      ]);
      assert.equal(after.status, 'created');
      process.stdout.write(`# sigkill: ${acknowledged} acknowledged, ${n} stored when killed\n`);
    },
  );
});
