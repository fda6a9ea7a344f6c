import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { createTransfers } from './ledger.service.js';
import type { TransferInput, TransferResult } from './ledger.types.js';

interface Waiter {
  input: TransferInput;
  resolve(result: TransferResult): void;
  reject(err: unknown): void;
}

export interface BatcherOptions {
  /** Most transfers per commit. */
  maxBatch?: number;
  /** Commits in flight at once; the next batch fills while one commits. */
  maxInFlight?: number;
}

/** Caps one commit's size (and so how long its row locks are held); callers rarely queue more. */
const DEFAULT_MAX_BATCH = 100;
/**
 * Two commits in flight: while one waits for its WAL flush (holding its row
 * locks) the next batch is already sent and queued on those locks, so the lock
 * is handed over without a round trip. bench/ledger.bench.ts measured 2 above 1.
 */
const DEFAULT_MAX_IN_FLIGHT = 2;

/**
 * Group commit for independent transfers: callers submit one transfer each and
 * get its own result, while the batcher commits whatever queued up meanwhile in
 * ONE transaction (one lock round, one UPDATE, one INSERT). A hot account's row
 * lock is then taken once per batch instead of once per transfer, which is how
 * the ledger goes past the per-transaction row-lock ceiling (DESIGN.md).
 * A transfer's failure (insufficient funds, …) is its own result; a database
 * error in a batch is retried transfer by transfer so one bad input cannot
 * fail its neighbours.
 */
export class TransferBatcher {
  private readonly queue: Waiter[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Db,
    opts: BatcherOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
    this.maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  }

  submit(input: TransferInput): Promise<TransferResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  /** Resolves once everything submitted so far is committed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) await new Promise((r) => setTimeout(r, 1));
  }

  private pump() {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Waiter[]) {
    try {
      const results = await withTransaction(this.db, (tx) =>
        createTransfers(
          tx,
          batch.map((w) => w.input),
        ),
      );
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const w of batch) {
        await withTransaction(this.db, (tx) => createTransfers(tx, [w.input])).then(
          (results) => w.resolve(results[0]!),
          (e: unknown) => w.reject(e),
        );
      }
    }
  }
}
