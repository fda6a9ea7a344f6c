import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, Tx } from './database.js';
import { AppError, ErrorCode, unavailable } from '../errors.js';

/** SQLSTATEs that mean "try the whole transaction again". */
const RETRYABLE = new Set(['40001', '40P01']);
/** SQLSTATEs / socket errors that mean "the database is not reachable right now". */
const UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);
const NETWORK =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|timeout exceeded when trying to connect|Connection terminated|connect ENOENT/i;

const MAX_ATTEMPTS = 5;
const BASE_BACKOFF_MS = 10;

export function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (pgCode(err) !== '23505') return false;
  return !constraint || (err as { constraint?: string }).constraint === constraint;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  const code = pgCode(err);
  if (code && UNAVAILABLE.has(code)) return true;
  return err instanceof Error && NETWORK.test(err.message);
}

/**
 * Runs `work` in one transaction. Deadlocks and serialization failures are
 * retried with jittered exponential backoff and surface as 503 when they keep
 * happening; an unreachable database surfaces as 503 at once.
 */
export async function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (isDatabaseUnavailable(err)) throw unavailable('Database unavailable');
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
