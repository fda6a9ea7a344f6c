import { Counter } from 'prom-client';
import type { DbHandle } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, notFound } from '../../platform/errors.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import { TRANSFER_ID, evaluateTransfers, isMoveInput, storedMove } from './ledger.engine.js';
import { findTransfer } from './ledger.repo.js';
import {
  applySingleMove,
  findTransfersWithResolution,
  lockAccounts,
  lockAccountsAndReadTransfers,
  writeBatch,
} from './ledger-write.repo.js';
import { expireHoldTask } from './expire-hold.task.js';
import type {
  AccountState,
  FailureReason,
  MoveInput,
  NewTransfer,
  PendingInfo,
  TransferInput,
  TransferResult,
} from './ledger.types.js';

const transfersTotal = new Counter({
  name: 'smartline_ledger_transfers_total',
  help: 'Ledger transfers by result (created, exists, or the failure reason)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

export interface CreateTransfersOptions {
  /** All or nothing (linked transfers, e.g. a fare and its commission). */
  atomic?: boolean;
  now?: Date;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function isResolve(t: TransferInput): t is Extract<TransferInput, { pendingId: string }> {
  return t.type === 'post_pending' || t.type === 'void_pending';
}

function accountIdsOf(transfers: readonly TransferInput[], holds: Map<string, PendingInfo>): number[] {
  const ids: number[] = [];
  for (const t of transfers) {
    if (!isResolve(t)) ids.push(t.debitAccountId, t.creditAccountId);
    else {
      const hold = holds.get(t.pendingId)?.transfer;
      if (hold) ids.push(hold.debitAccountId, hold.creditAccountId);
    }
  }
  return unique(ids).sort((a, b) => a - b);
}

function sameView(a: Map<string, PendingInfo>, b: Map<string, PendingInfo>) {
  return a.size === b.size && [...a].every(([id, p]) => b.get(id)?.resolution === p.resolution);
}

/**
 * Lost a race on a transfer id (or a hold's one resolution): retry the whole transaction, which then sees the winner.
 */
function retryableConflict(): Error {
  return Object.assign(new Error('a concurrent transaction wrote the same transfer id; retry'), { code: '40001' });
}

/** Our insert lost the race for a transfer id or a hold's one resolution: the retry sees the winner. */
function asRetryable(err: unknown): never {
  if (isUniqueViolation(err, 'ledger_transfers_pkey') || isUniqueViolation(err, 'ledger_transfers_one_resolution'))
    throw retryableConflict();
  throw err;
}

/**
 * The common case, one transfer per transaction, in one round trip: a lone
 * move is applied (or refused for funds) by ledger_apply_single_move under the
 * same id-ordered locks. What needs the engine's judgement (a replayed id, a
 * missing account, a hold's resolution, a batch) returns null and goes
 * through the engine as before.
 */
async function trySingleMove(tx: DbHandle, transfers: readonly TransferInput[]): Promise<TransferResult[] | null> {
  const t = transfers[0]!;
  if (transfers.length !== 1 || !isMoveInput(t) || !Number.isSafeInteger(t.amount) || t.amount <= 0) return null;
  const outcome = await applySingleMove(tx, t).catch(asRetryable);
  if (outcome === 'undecided') return null;
  const result: TransferResult =
    outcome === 'applied'
      ? { id: t.id, status: 'created', transfer: storedMove(t) }
      : { id: t.id, status: 'failed', reason: 'insufficient_funds' };
  transfersTotal.inc({ result: result.status === 'failed' ? result.reason : result.status });
  return [result];
}

/**
 * The one way money moves. One round trip locks every account involved in id
 * order (SELECT … FOR UPDATE ORDER BY id) and reads which ids already exist;
 * a second writes the new counters and the transfers. A same-id transfer that
 * commits while we wait for the locks makes our insert fail its unique key:
 * that surfaces as a serialization failure, withTransaction retries, and the
 * retry reports `exists` (or `exists_with_different_fields`). Failures are
 * results, not exceptions, so a batch of unrelated transfers commits together.
 * Runs in the caller's transaction; callers use withTransaction/runUnitOfWork.
 */
export async function createTransfers(
  tx: DbHandle,
  transfers: readonly TransferInput[],
  opts: CreateTransfersOptions = {},
): Promise<TransferResult[]> {
  if (transfers.length === 0) return [];
  for (const t of transfers) if (!TRANSFER_ID.test(t.id)) throw new Error(`invalid transfer id "${t.id}"`);
  const single = await trySingleMove(tx, transfers);
  if (single) return single;
  const pendingIds = unique(transfers.filter(isResolve).map((t) => t.pendingId));
  // Holds never change once written, so their accounts can be read before locking.
  const holds =
    pendingIds.length > 0 ? await findTransfersWithResolution(tx, pendingIds) : new Map<string, PendingInfo>();
  const batchIds = new Set(transfers.map((t) => t.id));
  const ids = unique([...batchIds, ...pendingIds]);
  const { accounts, known } = await lockAccountsAndReadTransfers(tx, accountIdsOf(transfers, holds), ids);
  const evaluate = (seen: Map<string, PendingInfo>) =>
    evaluateTransfers(
      {
        accounts: new Map(accounts.map((a) => [a.id, a])),
        stored: new Map([...seen].filter(([id]) => batchIds.has(id)).map(([id, p]) => [id, p.transfer])),
        pendings: new Map(pendingIds.flatMap((id) => (seen.has(id) ? [[id, seen.get(id)!] as const] : []))),
        now: opts.now ?? new Date(),
      },
      transfers,
      { atomic: opts.atomic ?? false },
    );
  let out = evaluate(known);
  if (out.results.some((r) => r.status === 'failed')) {
    // A refusal must not come from a stale view (a retry refused for funds its own first attempt spent):
    // re-read under the locks and decide again if anything changed meanwhile.
    const fresh = await findTransfersWithResolution(tx, ids);
    if (!sameView(known, fresh)) out = evaluate(fresh);
  }
  await writeBatch(tx, out.changed, out.writes).catch(asRetryable);
  for (const r of out.results) transfersTotal.inc({ result: r.status === 'failed' ? r.reason : r.status });
  return out.results;
}

const FAILURE_MESSAGES: Record<FailureReason, [ErrorCode, string]> = {
  insufficient_funds: [ErrorCode.INSUFFICIENT_FUNDS, 'Wallet balance is too low'],
  exists_with_different_fields: [ErrorCode.CONFLICT, 'A transfer with this id exists with different fields'],
  pending_already_posted: [ErrorCode.CONFLICT, 'The hold was already posted'],
  pending_already_voided: [ErrorCode.CONFLICT, 'The hold was already released'],
  pending_expired: [ErrorCode.CONFLICT, 'The hold has expired'],
  pending_not_found: [ErrorCode.NOT_FOUND, 'Hold not found'],
  account_not_found: [ErrorCode.NOT_FOUND, 'Account not found'],
  invalid_amount: [ErrorCode.VALIDATION_ERROR, 'Amount must be a positive whole number of piastres'],
  same_account: [ErrorCode.VALIDATION_ERROR, 'Cannot move money to the same account'],
  linked_transfer_failed: [ErrorCode.CONFLICT, 'A linked transfer failed'],
};

export function failureError(reason: FailureReason): AppError {
  const [code, message] = FAILURE_MESSAGES[reason];
  return new AppError(code, message, { reason });
}

export type Applied = { status: 'created' | 'exists'; transfer: NewTransfer };

/** Linked transfers, all or nothing; throws the first failure as an AppError (402 / 409 / 404). */
export async function transferAll(
  tx: DbHandle,
  transfers: readonly TransferInput[],
  opts: { now?: Date } = {},
): Promise<Applied[]> {
  const results = await createTransfers(tx, transfers, { atomic: true, now: opts.now });
  const failed =
    results.find((r) => r.status === 'failed' && r.reason !== 'linked_transfer_failed') ??
    results.find((r) => r.status === 'failed');
  if (failed && failed.status === 'failed') throw failureError(failed.reason);
  return results as Applied[];
}

export async function transfer(tx: DbHandle, input: TransferInput, opts: { now?: Date } = {}): Promise<Applied> {
  return (await transferAll(tx, [input], opts))[0]!;
}

/**
 * Reserves money (two-phase transfer); with a timeout, the expiry job voids it
 * then. The job is enqueued in the same transaction as the hold.
 */
export async function placeHold(tx: DbHandle, jobs: JobQueue, input: Omit<MoveInput, 'type'>): Promise<Applied> {
  const applied = await transfer(tx, { ...input, type: 'pending' });
  if (applied.status === 'created' && input.timeoutAt) {
    await jobs.enqueue(
      tx,
      expireHoldTask,
      { transferId: input.id },
      { jobKey: `ledger.expire_hold:${input.id}`, runAt: input.timeoutAt },
    );
  }
  return applied;
}

export async function postHold(tx: DbHandle, args: { id: string; pendingId: string }): Promise<Applied> {
  return transfer(tx, { id: args.id, type: 'post_pending', pendingId: args.pendingId });
}

export async function voidHold(tx: DbHandle, args: { id: string; pendingId: string }): Promise<Applied> {
  return transfer(tx, { id: args.id, type: 'void_pending', pendingId: args.pendingId });
}

/** Voids a hold whose timeout has passed; returns it if this call released it. */
export async function expireHold(tx: DbHandle, holdId: string, now = new Date()): Promise<NewTransfer | null> {
  const hold = (await findTransfersWithResolution(tx, [holdId])).get(holdId);
  if (!hold || hold.transfer.phase !== 'pending' || hold.resolution) return null;
  if (!hold.transfer.timeoutAt || hold.transfer.timeoutAt > now) return null;
  const [result] = await createTransfers(tx, [{ id: `${holdId}:expired`, type: 'void_pending', pendingId: holdId }], {
    now,
  });
  return result?.status === 'created' ? hold.transfer : null;
}

/** Locks accounts (id order) and returns their current counters, for callers that decide from them. */
export async function lockAccountStates(tx: DbHandle, ids: number[]): Promise<Map<number, AccountState>> {
  const rows = await lockAccounts(
    tx,
    unique(ids).sort((a, b) => a - b),
  );
  if (rows.length !== unique(ids).length) throw notFound('Account');
  return new Map(rows.map((a) => [a.id, a]));
}

/** One stored transfer by its id (ids derive from what they pay for, e.g. `trip:<id>:tip`). */
export async function transferById(db: DbHandle, id: string): Promise<NewTransfer | undefined> {
  return findTransfer(db, id);
}
