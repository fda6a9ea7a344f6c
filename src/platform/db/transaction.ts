import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, DbHandle, Tx } from './database.js';
import { AppError, ErrorCode, unavailable } from '../errors.js';

/** SQLSTATEs that mean "try the whole transaction again". */
const RETRYABLE = new Set(['40001', '40P01']);
/** SQLSTATEs / socket errors that mean "the database is not reachable right now". */
const UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);
const NETWORK =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|timeout exceeded when trying to connect|Connection terminated|connect ENOENT/i;

/** 57014 is also a cancel by pg_cancel_backend; only the timeout's message says the statement ran too long. */
const STATEMENT_TIMEOUT = /statement timeout/i;
/** A statement cut by statement_timeout ran against a busy database: the client retries in a few seconds. */
const STATEMENT_TIMEOUT_RETRY_S = 5;

const MAX_ATTEMPTS = 5;
const BASE_BACKOFF_MS = 10;

export function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (pgCode(err) !== '23505') return false;
  return !constraint || (err as { constraint?: string }).constraint === constraint;
}

/** 23P01: an exclusion constraint (e.g. overlapping ranges) refused the row. */
export function isExclusionViolation(err: unknown, constraint?: string): boolean {
  if (pgCode(err) !== '23P01') return false;
  return !constraint || (err as { constraint?: string }).constraint === constraint;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  const code = pgCode(err);
  if (code && UNAVAILABLE.has(code)) return true;
  return err instanceof Error && NETWORK.test(err.message);
}

export function isStatementTimeout(err: unknown): boolean {
  return pgCode(err) === '57014' && err instanceof Error && STATEMENT_TIMEOUT.test(err.message);
}

/**
 * The client-facing error for a database failure that is not the request's
 * fault: unreachable, or a statement Postgres cut at statement_timeout. Both
 * are 503 + Retry-After, never a 500 with SQL in the log line's place.
 */
export function databaseFailure(err: unknown): AppError | undefined {
  if (isDatabaseUnavailable(err)) return unavailable('Database unavailable');
  if (isStatementTimeout(err))
    return unavailable('The database took too long to answer; retry shortly', STATEMENT_TIMEOUT_RETRY_S);
  return undefined;
}

/** Work a transaction defers to its end, by name (one flush per kind), while it is still open. */
const beforeCommitHooks = new WeakMap<Tx, Map<string, () => Promise<void>>>();

/**
 * Runs `hook` once, as the last step of `tx` before COMMIT, when `tx` was opened by `withTransaction`; returns
 * false otherwise (the caller then does the work at once). The job queue uses it to send every job a transaction
 * enqueues in one statement: each statement is a round trip, and round trips are what a request pays for.
 */
export function deferToCommit(tx: DbHandle, name: string, hook: () => Promise<void>): boolean {
  const hooks = beforeCommitHooks.get(tx as Tx);
  if (!hooks) return false;
  if (!hooks.has(name)) hooks.set(name, hook);
  return true;
}

/** Work that must follow a transaction's end, committed or rolled back, by the transaction it follows. */
const afterEndHooks = new WeakMap<Tx, Array<() => void>>();

/**
 * Runs `hook` once `tx` has ended (after COMMIT, or after ROLLBACK), before `withTransaction` returns or throws;
 * returns false when `tx` was not opened by `withTransaction` (nothing will run it). Hooks must not throw.
 */
export function afterTransactionEnds(tx: DbHandle, hook: () => void): boolean {
  const hooks = afterEndHooks.get(tx as Tx);
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

/** One attempt: the transaction, its before-commit hooks, then (committed or not) its after-end hooks. */
async function attemptTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const afterEnd: Array<() => void> = [];
  try {
    return await db.transaction().execute(async (tx) => {
      const hooks = new Map<string, () => Promise<void>>();
      beforeCommitHooks.set(tx, hooks);
      afterEndHooks.set(tx, afterEnd);
      const result = await work(tx);
      // A hook may defer more work (even under its own name again): run until none is left.
      for (const [name, hook] of hooks) {
        hooks.delete(name);
        await hook();
      }
      return result;
    });
  } finally {
    for (const hook of afterEnd) hook();
  }
}

/**
 * Runs `work` in one transaction. Deadlocks and serialization failures are
 * retried with jittered exponential backoff and surface as 503 when they keep
 * happening; an unreachable database surfaces as 503 at once.
 */
export async function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptTransaction(db, work);
    } catch (err) {
      if (err instanceof AppError) throw err;
      const failure = databaseFailure(err);
      if (failure) throw failure;
      if (!RETRYABLE.has(pgCode(err) ?? '')) throw err;
      if (attempt >= MAX_ATTEMPTS)
        throw new AppError(
          ErrorCode.SERVICE_UNAVAILABLE,
          'Too much contention, retry',
          { retryAfter: 1 },
          { 'retry-after': '1' },
        );
      const backoff = BASE_BACKOFF_MS * 2 ** attempt;
      await sleep(backoff / 2 + Math.random() * backoff);
    }
  }
}
