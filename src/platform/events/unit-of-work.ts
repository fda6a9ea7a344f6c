import type { Db, Tx } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import type { EventBus } from './bus.js';
import type { DomainEvent, DomainEventName, StoredEvent } from './event-map.js';
import type { OperationNodeSource } from 'kysely';
import { appendEvent, appendEventWith } from './events.repo.js';

export interface EventRecorder {
  /** Stores the event in this transaction; it is published only after commit. */
  record<N extends DomainEventName>(event: DomainEvent<N>): Promise<StoredEvent<N>>;
  /** `record`, in one statement with `write`, the change of the aggregate's row that causes it (`appendEventWith`). */
  recordWith<N extends DomainEventName, R extends object>(
    event: DomainEvent<N>,
    write: OperationNodeSource,
  ): Promise<{ row: R; stored: StoredEvent<N> }>;
}

/**
 * One transaction for a state change, its events and its jobs (principle 1).
 * Events reach in-process subscribers (sockets) only once the commit is done;
 * a retried transaction starts with a clean slate. Handlers registered with `bus.onRecorded` run inside the
 * transaction, after the work, so what they enqueue commits with the change or not at all.
 */
export async function runUnitOfWork<T>(
  db: Db,
  bus: EventBus,
  work: (tx: Tx, events: EventRecorder) => Promise<T>,
): Promise<T> {
  let recorded: StoredEvent[] = [];
  const result = await withTransaction(db, async (tx) => {
    recorded = [];
    const result = await work(tx, {
      record: async (event) => {
        const stored = await appendEvent(tx, event);
        recorded.push(stored as StoredEvent);
        return stored;
      },
      recordWith: async <N extends DomainEventName, R extends object>(
        event: DomainEvent<N>,
        write: OperationNodeSource,
      ) => {
        const written = await appendEventWith<N, R>(tx, event, write);
        recorded.push(written.stored as StoredEvent);
        return written;
      },
    });
    await bus.runRecorded(tx, recorded);
    return result;
  });
  bus.publish(recorded);
  return result;
}
