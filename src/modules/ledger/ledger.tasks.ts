import type { Tx } from '../../platform/db/database.js';
import type { TaskDeps } from '../../platform/jobs/queue.js';
import { runUnitOfWork, type EventRecorder } from '../../platform/events/unit-of-work.js';
import { expireHoldTask } from './expire-hold.task.js';
import { expireHold } from './ledger.service.js';
import type { NewTransfer } from './ledger.types.js';

/** Runs in the transaction that released the hold, so the owner's record changes with it. */
export type HoldExpiredListener = (tx: Tx, events: EventRecorder, hold: NewTransfer) => Promise<void>;

export interface LedgerTaskHooks {
  /** Keyed by the hold's transfer kind (e.g. 'withdrawal'). */
  onHoldExpired?: Partial<Record<string, HoldExpiredListener>>;
}

/**
 * Hold expiry: one job per hold at its timeout (enqueued with the hold). A hold
 * already posted or voided is left alone; the module that owns the hold hears
 * about the release in the same transaction.
 */
export function registerLedgerTasks(deps: TaskDeps, hooks: LedgerTaskHooks = {}) {
  deps.jobs.register(expireHoldTask, async ({ transferId }, ctx) => {
    await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
      const released = await expireHold(tx, transferId);
      if (!released) return;
      ctx.log.info({ transferId, kind: released.kind }, 'hold expired and released');
      await hooks.onHoldExpired?.[released.kind]?.(tx, events, released);
    });
  });
}
