/**
 * Child process of the SIGKILL suite: hammers the ledger of one schema with
 * batched transfers, single transfers and holds until it is killed, printing
 * how many transfers have been acknowledged as committed.
 * Env: DATABASE_URL, DB_SCHEMA, ACCOUNTS (comma-separated wallet account ids), RUN_ID.
 */
import { createDatabase } from '../../../src/platform/db/database.js';
import { withTransaction } from '../../../src/platform/db/transaction.js';
import { TransferBatcher, createTransfers, type TransferInput } from '../../../src/modules/ledger/index.js';

const accounts = process.env.ACCOUNTS!.split(',').map(Number);
const run = process.env.RUN_ID!;
const database = createDatabase({ url: process.env.DATABASE_URL!, schema: process.env.DB_SCHEMA!, max: 8 });
const batcher = new TransferBatcher(database.db, { maxBatch: 50, maxInFlight: 2 });
let committed = 0;
let seq = 0;

const pick = () => accounts[Math.floor(Math.random() * accounts.length)]!;
function randomMove(): TransferInput {
  const debit = pick();
  let credit = pick();
  while (credit === debit) credit = pick();
  return {
    id: `kill:${run}:${seq++}`,
    type: Math.random() < 0.2 ? 'pending' : 'posted',
    debitAccountId: debit,
    creditAccountId: credit,
    amount: 1 + Math.floor(Math.random() * 500),
    kind: 'transfer',
  };
}

function report(n: number) {
  committed += n;
  process.stdout.write(`committed ${committed}\n`);
}

async function batchedWorker() {
  for (;;) {
    const results = await Promise.all(Array.from({ length: 25 }, () => batcher.submit(randomMove())));
    report(results.filter((r) => r.status === 'created').length);
  }
}

async function linkedWorker() {
  for (;;) {
    const hold = randomMove();
    const batch: TransferInput[] = [
      hold,
      ...(hold.type === 'pending'
        ? [{ id: `${hold.id}:post`, type: 'post_pending', pendingId: hold.id } as const]
        : []),
    ];
    const results = await withTransaction(database.db, (tx) =>
      createTransfers(tx, [randomMove(), randomMove()], { atomic: true }),
    );
    const holdResults = await withTransaction(database.db, (tx) => createTransfers(tx, batch, { atomic: true }));
    report([...results, ...holdResults].filter((r) => r.status === 'created').length);
  }
}

await Promise.all([batchedWorker(), batchedWorker(), batchedWorker(), linkedWorker(), linkedWorker()]);
