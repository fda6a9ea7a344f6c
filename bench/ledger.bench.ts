/**
 * `npm run bench:ledger` (tsx bench/ledger.bench.ts): ledger transfers per
 * second and latency with 20 concurrent workers over 50 hot wallets on real
 * Postgres, three ways in the same run:
 *
 *   2-row     issue 22's baseline: a plain double-entry transfer on bare tables
 *             (lock both rows in id order, two UPDATEs, one INSERT, COMMIT)
 *   naive     one autocommit single-row UPDATE of a balance per operation (a
 *             wallet without double entry: no counterpart row, no history, no
 *             idempotency, no balance check): the hot-row ceiling of this box
 *   per-txn   the ledger, one transfer per transaction (lock both accounts in id
 *             order, read ids, check, UPDATE, INSERT, COMMIT)
 *   batched   the ledger behind TransferBatcher: each worker submits one transfer
 *             at a time and awaits it; whatever queued meanwhile commits together
 *
 * Every wallet is a real wallet (balance checks on). The ledger phases are a
 * mixed run: wallet-to-wallet moves cycle through the kinds the money loop
 * uses (transfer, cancellation fee, tip, refund), and every tenth operation of
 * a worker is a payout (wallet → withdrawals pending, then → payout clearing,
 * the same amount). After the run the ledger's invariants are proven
 * (Σdebits = Σcredits, every balance = Σ its transfers, money conserved:
 * wallets + withdrawals pending + payout clearing = what was funded), then the
 * bench schema is dropped.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_SECONDS (10 per phase), BENCH_WORKERS (20), BENCH_ACCOUNTS (50),
 * BENCH_IN_FLIGHT / BENCH_MAX_BATCH (batcher tuning; default the batcher's).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDatabase, type Db } from '../src/platform/db/database.js';
import { writeFigures } from './support/figures.js';
import { countRoundTrips } from './support/round-trips.js';
import { migrate } from '../src/platform/db/migrate.js';
import { withTransaction } from '../src/platform/db/transaction.js';
import { userAccounts } from '../src/modules/users/index.js';
import {
  TransferBatcher,
  auditLedger,
  createTransfers,
  ensureWallet,
  systemAccounts,
  transfer,
  type TransferInput,
} from '../src/modules/ledger/index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 20);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50);
/** Batcher tuning (defaults: the batcher's own). */
const IN_FLIGHT = process.env.BENCH_IN_FLIGHT ? Number(process.env.BENCH_IN_FLIGHT) : undefined;
const MAX_BATCH = process.env.BENCH_MAX_BATCH ? Number(process.env.BENCH_MAX_BATCH) : undefined;
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 1);
const GOAL_TPS = 3_000; // issue 6: ≥ 3,000 transfers/s
const FUNDING = 100_000_000; // per wallet, piastres: no transfer in the run can be refused for funds
const RESULTS = resolve(import.meta.dirname, 'results/ledger.json');
/** Wallet-to-wallet kinds of the mixed run (issue 15: fees, tips and refunds beside plain transfers). */
const MIXED_KINDS = ['transfer', 'cancellation_fee', 'tip', 'refund'] as const;
/** Round trips to Postgres so far (every client.query of the run). */
const roundTrips = countRoundTrips();

interface PhaseResult {
  name: string;
  transfers: number;
  failed: number;
  seconds: number;
  tps: number;
  p50Ms: number;
  p99Ms: number;
  /** Round trips to Postgres per operation (BEGIN and COMMIT included; retries too). */
  roundTripsPerOp: number;
}

function percentile(sorted: number[], p: number) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * Runs WORKERS closed-loop workers for SECONDS, each with `pipeline` transfers
 * outstanding at a time; `op` is one transfer, resolving false if refused.
 */
async function phase(
  name: string,
  op: (worker: number, n: number) => Promise<boolean>,
  pipeline = 1,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const tripsBefore = roundTrips();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WORKERS * pipeline }, async (_, lane) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t0 = performance.now();
        if (!(await op(lane, n))) failed++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const result = {
    name,
    transfers: latencies.length - failed,
    failed,
    seconds: round(seconds),
    tps: Math.round((latencies.length - failed) / seconds),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    roundTripsPerOp: round((roundTrips() - tripsBefore) / Math.max(1, latencies.length)),
  };
  process.stdout.write(
    `${name.padEnd(8)} ${String(result.tps).padStart(6)} transfers/s   p50 ${result.p50Ms} ms   p99 ${result.p99Ms} ms   ${result.roundTripsPerOp} round trips/op   (${result.transfers} ok, ${failed} refused)\n`,
  );
  return result;
}

const round = (x: number) => Math.round(x * 100) / 100;

function randomPair(ids: number[]): [number, number] {
  const a = Math.floor(Math.random() * ids.length);
  let b = Math.floor(Math.random() * (ids.length - 1));
  if (b >= a) b++;
  return [ids[a]!, ids[b]!];
}

async function setUp(db: Db) {
  const wallets: number[] = [];
  const { provider_clearing } = await systemAccounts(db);
  for (let i = 0; i < ACCOUNTS; i++) {
    const user = await userAccounts.insert(db, {
      phone: `+2011${String(i).padStart(8, '0')}`,
      name: `bench ${i}`,
      role: 'driver',
      passwordHash: 'x',
    });
    const account = await withTransaction(db, (tx) => ensureWallet(tx, { ownerId: user.id, kind: 'driver_wallet' }));
    await withTransaction(db, (tx) =>
      transfer(tx, {
        id: `fund:${i}`,
        type: 'posted',
        debitAccountId: provider_clearing,
        creditAccountId: account.id,
        amount: FUNDING,
        kind: 'deposit',
      }),
    );
    wallets.push(account.id);
  }
  return wallets;
}

async function naivePhase(db: Db, database: ReturnType<typeof createDatabase>) {
  await database.pool.query('CREATE TABLE bench_naive (id int PRIMARY KEY, balance bigint NOT NULL)');
  await database.pool.query('INSERT INTO bench_naive SELECT g, $1 FROM generate_series(1, $2) g', [FUNDING, ACCOUNTS]);
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => i + 1);
  const result = await phase('naive', async () => {
    const [id] = randomPair(ids);
    const delta = Math.floor(Math.random() * 2001) - 1000;
    await database.pool.query('UPDATE bench_naive SET balance = balance + $2 WHERE id = $1', [id, delta]);
    return true;
  });
  void db;
  return result;
}

/**
 * Issue 22's baseline for one transfer per transaction: the least a double-entry transfer can do (lock both rows
 * in id order, two UPDATEs, one INSERT, commit), on bare tables with no checks, no idempotency, no kinds.
 */
async function plainTransferPhase(database: ReturnType<typeof createDatabase>) {
  const { pool } = database;
  await pool.query('CREATE TABLE bench_plain_accounts (id int PRIMARY KEY, balance bigint NOT NULL)');
  await pool.query(
    'CREATE TABLE bench_plain_transfers (id bigserial PRIMARY KEY, debit int NOT NULL, credit int NOT NULL, amount bigint NOT NULL)',
  );
  await pool.query('INSERT INTO bench_plain_accounts SELECT g, $1 FROM generate_series(1, $2) g', [FUNDING, ACCOUNTS]);
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => i + 1);
  return phase('2-row', async () => {
    const [from, to] = randomPair(ids);
    const amount = 1 + Math.floor(Math.random() * 1000);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT id FROM bench_plain_accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE', [[from, to]]);
      await client.query('UPDATE bench_plain_accounts SET balance = balance - $2 WHERE id = $1', [from, amount]);
      await client.query('UPDATE bench_plain_accounts SET balance = balance + $2 WHERE id = $1', [to, amount]);
      await client.query('INSERT INTO bench_plain_transfers (debit, credit, amount) VALUES ($1, $2, $3)', [
        from,
        to,
        amount,
      ]);
      await client.query('COMMIT');
      return true;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  });
}

/** The ledger's invariants (Σdebits = Σcredits, balances = Σ transfers, …) and money conserved, right now. */
async function prove(db: Db, database: ReturnType<typeof createDatabase>) {
  const checks = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((tx) => auditLedger(tx));
  const { rows } = await database.pool.query<{ total: string }>(
    'SELECT sum(credits_posted - debits_posted) AS total FROM ledger_accounts' +
      " WHERE owner_id IS NOT NULL OR kind IN ('withdrawals_pending', 'payout_clearing')",
  );
  const conserved = Number(rows[0]!.total) === FUNDING * ACCOUNTS;
  return { checks, conserved, ok: checks.every((c) => c.ok) && conserved };
}

async function main() {
  const schema = `bench_ledger_${randomBytes(3).toString('hex')}`;
  const database = createDatabase({ url: DATABASE_URL, schema, max: WORKERS + 4 });
  const db = database.db;
  try {
    await migrate(database.pool, schema);
    const wallets = await setUp(db);
    const loadBefore = loadavg()[0]!;
    process.stdout.write(
      `ledger bench: ${WORKERS} workers × ${PIPELINE} outstanding, ${ACCOUNTS} hot wallets, ${SECONDS} s per phase, ${cpus().length} cores, load ${loadBefore.toFixed(1)}\n`,
    );
    const run = randomBytes(3).toString('hex');
    const sys = await systemAccounts(db);
    /** Per worker lane: the amount its last withdrawal took, which its next payout sends out. */
    const withdrawn = new Map<string, number>();
    const move = (prefix: string, w: number, n: number): TransferInput => {
      const [from, to] = randomPair(wallets);
      const id = `${prefix}:${run}:${w}:${n}`;
      const amount = 1 + Math.floor(Math.random() * 1000);
      const lane = `${prefix}:${w}`;
      if (n % 10 === 8) {
        withdrawn.set(lane, amount);
        const out = { debitAccountId: from, creditAccountId: sys.withdrawals_pending, amount };
        return { id, type: 'posted', ...out, kind: 'withdrawal' };
      }
      if (n % 10 === 9 && withdrawn.has(lane)) {
        const paid = { debitAccountId: sys.withdrawals_pending, creditAccountId: sys.payout_clearing };
        return { id, type: 'posted', ...paid, amount: withdrawn.get(lane)!, kind: 'payout' };
      }
      return { id, type: 'posted', debitAccountId: from, creditAccountId: to, amount, kind: MIXED_KINDS[n % 4]! };
    };

    const naive = await naivePhase(db, database);
    const plain = await plainTransferPhase(database);
    const perTxn = await phase('per-txn', async (w, n) => {
      const [r] = await withTransaction(db, (tx) => createTransfers(tx, [move('single', w, n)]));
      return r!.status === 'created';
    });
    const afterPerTxn = await prove(db, database);
    const batcher = new TransferBatcher(db, { maxInFlight: IN_FLIGHT, maxBatch: MAX_BATCH });
    const batched = await phase(
      'batched',
      async (w, n) => (await batcher.submit(move('batch', w, n))).status === 'created',
      PIPELINE,
    );

    const { checks, conserved, ok } = await prove(db, database);
    const invariantsOk = ok && afterPerTxn.ok;

    const ratioVsNaive = round(batched.tps / naive.tps);
    const ratioVsPerTxn = round(batched.tps / perTxn.tps);
    const summary = `ledger: batched ${batched.tps} transfers/s (p99 ${batched.p99Ms} ms) = ${ratioVsNaive}× naive single-UPDATE (${naive.tps}/s) and ${ratioVsPerTxn}× one-transfer-per-txn (${perTxn.tps}/s); goal ${GOAL_TPS}/s ${batched.tps >= GOAL_TPS ? 'met' : 'NOT met'}; invariants ${invariantsOk ? 'ok' : 'BROKEN'}`;
    process.stdout.write(
      `${checks.map((c) => `  ${c.ok ? 'ok ' : 'BAD'} ${c.name}`).join('\n')}\n  ${conserved ? 'ok ' : 'BAD'} money_conserved\n${summary}\n`,
    );
    writeFigures('ledger', [
      {
        figure: `transfers/s, one per transaction, ${WORKERS} workers`,
        unit: '/s',
        smartline: perTxn.tps,
        baselineName: 'plain two-row transfer txn',
        baseline: plain.tps,
        goal: { atLeast: 0.7 },
      },
      {
        figure: 'transfers/s, batched',
        unit: '/s',
        smartline: batched.tps,
        baselineName: 'ledger, one per transaction',
        baseline: perTxn.tps,
        goal: { atLeast: 3 },
      },
      {
        figure: 'transfers/s, batched vs hot-row ceiling',
        unit: '/s',
        smartline: batched.tps,
        baselineName: 'naive single-row UPDATE',
        baseline: naive.tps,
      },
      {
        figure: 'ledger invariants after each ledger phase (1 = held)',
        unit: '',
        smartline: invariantsOk ? 1 : 0,
        goal: { on: 'smartline', atLeast: 1 },
      },
    ]);
    mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(
      RESULTS,
      `${JSON.stringify({ at: new Date().toISOString(), workers: WORKERS, outstandingPerWorker: PIPELINE, accounts: ACCOUNTS, secondsPerPhase: SECONDS, cores: cpus().length, loadAverage: { before: round(loadBefore), after: round(loadavg()[0]!) }, phases: [naive, plain, perTxn, batched], ratioVsNaive, ratioVsPerTxn, goalTps: GOAL_TPS, goalMet: batched.tps >= GOAL_TPS, invariantsOk, checks, summary }, null, 2)}\n`,
    );
    if (!invariantsOk) process.exitCode = 1;
  } finally {
    await database.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ledger bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
