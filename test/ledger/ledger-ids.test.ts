import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { AppError } from '../../src/platform/errors.js';
import { systemAccounts, transfer } from '../../src/modules/ledger/index.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LEDGER_TEST_ENV, assertLedgerConsistent, balanceOf, fund, newWallet, type Wallet } from './support.js';

/** Transfer ids as the database guards them (migration 0084), and a same id racing from other accounts. */
describe('ledger transfer ids', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('ledger_ids', LEDGER_TEST_ENV);
  });
  after(async () => t.close());

  const db = () => t.platform.database.db;

  /** Inserts a bare transfer row with that id and rolls it back: what the table's CHECK says about the id. */
  async function idCheck(id: string): Promise<'accepted' | string> {
    const { platform_revenue, cash_clearing } = await systemAccounts(db());
    const client = await t.platform.database.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "${t.schema}".ledger_transfers (id, phase, debit_account_id, credit_account_id, amount, kind)
         VALUES ($1, 'posted', $2, $3, 1, 'transfer')`,
        [id, platform_revenue, cash_clearing],
      );
      return 'accepted';
    } catch (err) {
      return (err as { constraint?: string }).constraint ?? String(err);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  test('the database accepts 1 to 128 of A-Z a-z 0-9 : _ . - and nothing else', async () => {
    for (const id of ['a', 'trip:42:tip', 'A-Z_0.9:x', 'x'.repeat(128)])
      assert.equal(await idCheck(id), 'accepted', id);
    for (const id of ['', 'x'.repeat(129), 'a b', 'a\n', 'é', 'a/b', "a'b", 'x'.repeat(127) + '!'])
      assert.equal(await idCheck(id), 'ledger_transfers_id_check', JSON.stringify(id));
  });

  test('a same id sent from other accounts while the first is uncommitted is told it exists, and moves nothing', async () => {
    const wallets = await Promise.all([1, 2, 3, 4].map(() => newWallet(t, 'rider')));
    const [a, b, c, d] = wallets as [Wallet, Wallet, Wallet, Wallet];
    await fund(db(), a.accountId, 1_000);
    await fund(db(), c.accountId, 1_000);
    const move = (from: number, to: number) =>
      ({
        id: 'same-id-1',
        type: 'posted',
        debitAccountId: from,
        creditAccountId: to,
        amount: 300,
        kind: 'transfer',
      }) as const;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withTransaction(db(), async (tx) => {
      const applied = await transfer(tx, move(a.accountId, b.accountId));
      await held; // uncommitted while the second one arrives
      return applied;
    });
    await sleep(100);
    const second = withTransaction(db(), (tx) => transfer(tx, move(c.accountId, d.accountId))).then(
      () => 'created',
      (e: unknown) => (e instanceof AppError ? (e.details as { reason: string }).reason : String(e)),
    );
    await sleep(200);
    release();
    assert.equal((await first).status, 'created');
    assert.equal(await second, 'exists_with_different_fields');
    const balances = await Promise.all(wallets.map(async (w) => (await balanceOf(db(), w.user.id)).balance));
    assert.deepEqual(balances, [700, 300, 1_000, 0]);
    await assertLedgerConsistent(db());
  });
});
