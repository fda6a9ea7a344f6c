import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { availableOf, evaluateTransfers, type EngineInput } from './ledger.engine.js';
import type { AccountState, NewTransfer, PendingInfo, TransferInput } from './ledger.types.js';

const NOW = new Date('2025-01-01T12:00:00Z');

function account(id: number, over: Partial<AccountState> = {}): AccountState {
  return {
    id,
    kind: 'rider_wallet',
    ownerId: `owner-${id}`,
    creditLimit: 0,
    debitsPending: 0,
    debitsPosted: 0,
    creditsPending: 0,
    creditsPosted: 0,
    ...over,
  };
}

const SYSTEM = account(1, { kind: 'provider_clearing', ownerId: null });

function input(accounts: AccountState[], stored: NewTransfer[] = [], pendings: PendingInfo[] = []): EngineInput {
  return {
    accounts: new Map(accounts.map((a) => [a.id, a])),
    stored: new Map(stored.map((t) => [t.id, t])),
    pendings: new Map(pendings.map((p) => [p.transfer.id, p])),
    now: NOW,
  };
}

const move = (
  id: string,
  debit: number,
  credit: number,
  amount: number,
  extra: Partial<TransferInput> = {},
): TransferInput =>
  ({
    id,
    type: 'posted',
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    kind: 'transfer',
    ...extra,
  }) as TransferInput;

describe('ledger engine', () => {
  test('a posted transfer moves the amount from debit to credit', () => {
    const out = evaluateTransfers(input([SYSTEM, account(2)]), [move('t1', 1, 2, 500)], { atomic: false });
    assert.equal(out.results[0]!.status, 'created');
    const wallet = out.changed.find((a) => a.id === 2)!;
    assert.equal(availableOf(wallet), 500);
  });

  test("a rider's dues account is an IOU: it goes below zero where a wallet of the same owner cannot", () => {
    const dues = account(3, { kind: 'rider_dues', ownerId: 'owner-2' });
    const out = evaluateTransfers(
      input([SYSTEM, account(2), dues]),
      [move('owe', 3, 1, 2_000), move('spend', 2, 1, 1)],
      { atomic: false },
    );
    assert.deepEqual(
      out.results.map((r) => (r.status === 'failed' ? r.reason : r.status)),
      ['created', 'insufficient_funds'],
    );
    assert.equal(availableOf(out.changed.find((a) => a.id === 3)!), -2_000);
  });

  test('a wallet cannot spend more than it has; a failure changes nothing', () => {
    const out = evaluateTransfers(input([SYSTEM, account(2, { creditsPosted: 100 })]), [move('t1', 2, 1, 101)], {
      atomic: false,
    });
    assert.deepEqual(out.results[0], { id: 't1', status: 'failed', reason: 'insufficient_funds' });
    assert.deepEqual(out.changed, []);
    assert.deepEqual(out.writes, []);
  });

  test(
    'a driver wallet may owe commission down to its credit limit, never past it, and never withdraw owed ' + 'money',
    () => {
      const driver = account(2, { kind: 'driver_wallet', creditLimit: 1000 });
      const owe = evaluateTransfers(input([SYSTEM, driver]), [move('c1', 2, 1, 1000, { overdraft: 'credit_limit' })], {
        atomic: false,
      });
      assert.equal(owe.results[0]!.status, 'created');
      const past = evaluateTransfers(input([SYSTEM, driver]), [move('c2', 2, 1, 1001, { overdraft: 'credit_limit' })], {
        atomic: false,
      });
      assert.equal(past.results[0]!.status, 'failed');
      const spend = evaluateTransfers(input([SYSTEM, driver]), [move('w1', 2, 1, 1)], { atomic: false });
      assert.equal(spend.results[0]!.status, 'failed');
    },
  );

  test('same id twice: exists with the same fields, rejected with different ones', () => {
    const prior: NewTransfer = {
      id: 't1',
      phase: 'posted',
      debitAccountId: 1,
      creditAccountId: 2,
      amount: 500,
      kind: 'transfer',
      reference: null,
      pendingId: null,
      timeoutAt: null,
    };
    const accounts = [SYSTEM, account(2, { creditsPosted: 500 })];
    assert.equal(
      evaluateTransfers(input(accounts, [prior]), [move('t1', 1, 2, 500)], { atomic: false }).results[0]!.status,
      'exists',
    );
    const other = evaluateTransfers(input(accounts, [prior]), [move('t1', 1, 2, 501)], { atomic: false });
    assert.deepEqual(other.results[0], { id: 't1', status: 'failed', reason: 'exists_with_different_fields' });
    const inBatch = evaluateTransfers(input(accounts), [move('t2', 1, 2, 5), move('t2', 1, 2, 5)], { atomic: false });
    assert.deepEqual(
      inBatch.results.map((r) => r.status),
      ['created', 'exists'],
    );
    assert.equal(inBatch.writes.length, 1);
  });

  test('atomic batches are all or nothing', () => {
    const out = evaluateTransfers(
      input([SYSTEM, account(2), account(3)]),
      [move('a', 1, 2, 100), move('b', 2, 3, 101)],
      { atomic: true },
    );
    assert.deepEqual(
      out.results.map((r) => (r.status === 'failed' ? r.reason : r.status)),
      ['linked_transfer_failed', 'insufficient_funds'],
    );
    assert.deepEqual(out.writes, []);
    assert.deepEqual(out.changed, []);
  });

  test('a hold reserves money; post moves it, void releases it, and only once', () => {
    const wallet = account(2, { creditsPosted: 1000 });
    const held = evaluateTransfers(input([SYSTEM, wallet]), [move('h', 2, 1, 600, { type: 'pending' })], {
      atomic: false,
    });
    const after = held.changed.find((a) => a.id === 2)!;
    assert.equal(availableOf(after), 400);
    const hold: PendingInfo = { transfer: held.writes[0]!, resolution: null };
    const accounts = [held.changed.find((a) => a.id === 1)!, after];
    const posted = evaluateTransfers(
      input(accounts, [], [hold]),
      [{ id: 'h:post', type: 'post_pending', pendingId: 'h' }],
      { atomic: false },
    );
    const postedWallet = posted.changed.find((a) => a.id === 2)!;
    assert.equal(postedWallet.creditsPosted - postedWallet.debitsPosted, 400);
    assert.equal(postedWallet.debitsPending, 0);
    const twice = evaluateTransfers(
      input(accounts, [], [{ ...hold, resolution: 'posted' }]),
      [{ id: 'h:void', type: 'void_pending', pendingId: 'h' }],
      { atomic: false },
    );
    assert.deepEqual(twice.results[0], { id: 'h:void', status: 'failed', reason: 'pending_already_posted' });
    const expired = { ...hold, transfer: { ...hold.transfer, timeoutAt: new Date(NOW.getTime() - 1) } };
    const late = evaluateTransfers(
      input(accounts, [], [expired]),
      [{ id: 'h:post', type: 'post_pending', pendingId: 'h' }],
      { atomic: false },
    );
    assert.deepEqual(late.results[0], { id: 'h:post', status: 'failed', reason: 'pending_expired' });
  });

  test('a hold placed earlier in a batch can be resolved later in it', () => {
    const out = evaluateTransfers(
      input([SYSTEM, account(2, { creditsPosted: 1000 })]),
      [move('h', 2, 1, 300, { type: 'pending' }), { id: 'h:post', type: 'post_pending', pendingId: 'h' }],
      { atomic: true },
    );
    assert.deepEqual(
      out.results.map((r) => r.status),
      ['created', 'created'],
    );
    const wallet = out.changed.find((a) => a.id === 2)!;
    assert.deepEqual([wallet.creditsPosted - wallet.debitsPosted, wallet.debitsPending], [700, 0]);
  });

  test('property: any sequence keeps Σdebits = Σcredits and every wallet above its floor', () => {
    const op = fc.record({
      kind: fc.constantFrom('posted', 'pending', 'post', 'void'),
      from: fc.integer({ min: 1, max: 4 }),
      to: fc.integer({ min: 1, max: 4 }),
      amount: fc.integer({ min: -5, max: 2000 }),
      idSlot: fc.integer({ min: 0, max: 30 }),
      overdraft: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 8 }), { maxLength: 12 }), fc.boolean(), (batches, atomic) => {
        let accounts = new Map<number, AccountState>([
          [1, SYSTEM],
          [2, account(2)],
          [3, account(3, { kind: 'driver_wallet', creditLimit: 500 })],
          [4, account(4, { kind: 'platform_revenue', ownerId: null })],
        ]);
        const stored = new Map<string, NewTransfer>();
        const pendings = new Map<string, PendingInfo>();
        for (const batch of batches) {
          const transfers: TransferInput[] = batch.map((o) => {
            const holds = [...pendings.keys()];
            if ((o.kind === 'post' || o.kind === 'void') && holds.length > 0) {
              return {
                id: `r${o.idSlot}`,
                type: o.kind === 'post' ? 'post_pending' : 'void_pending',
                pendingId: holds[o.idSlot % holds.length]!,
              };
            }
            return move(`m${o.idSlot}`, o.from, o.to, o.amount, {
              type: o.kind === 'pending' ? 'pending' : 'posted',
              overdraft: o.overdraft ? 'credit_limit' : 'none',
            });
          });
          const out = evaluateTransfers({ accounts, stored, pendings, now: NOW }, transfers, { atomic });
          for (const t of out.writes) {
            stored.set(t.id, t);
            if (t.phase === 'pending') pendings.set(t.id, { transfer: t, resolution: null });
            if (t.pendingId) pendings.get(t.pendingId)!.resolution = t.phase === 'post_pending' ? 'posted' : 'voided';
          }
          accounts = new Map([...accounts, ...out.changed.map((a) => [a.id, a] as const)]);
        }
        const all = [...accounts.values()];
        const sum = (f: (a: AccountState) => number) => all.reduce((s, a) => s + f(a), 0);
        assert.equal(
          sum((a) => a.debitsPosted),
          sum((a) => a.creditsPosted),
        );
        assert.equal(
          sum((a) => a.debitsPending),
          sum((a) => a.creditsPending),
        );
        for (const a of all) {
          if (a.ownerId !== null) assert.ok(availableOf(a) >= -a.creditLimit, `account ${a.id} below its floor`);
          assert.ok(a.debitsPending >= 0 && a.creditsPending >= 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
