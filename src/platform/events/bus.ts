import type { Tx } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import type { DomainEventName, LiveSignalMap, LiveSignalName, StoredEvent } from './event-map.js';

type Handler<N extends DomainEventName> = (event: StoredEvent<N>) => void | Promise<void>;
type TxHandler<N extends DomainEventName> = (tx: Tx, event: StoredEvent<N>) => Promise<void>;
type SignalHandler<N extends LiveSignalName> = (payload: LiveSignalMap[N]) => void;
/** Runs inside the unit of work's transaction, after its work, with every event it recorded. */
export type OutboxWriter = (tx: Tx, events: StoredEvent[]) => Promise<void>;

/**
 * In-process fan-out of committed events (socket gateway, metrics). Publish
 * only after the transaction that stored them has committed. Handlers never
 * break the publisher: their errors are logged.
 */
export class EventBus {
  private readonly handlers = new Map<DomainEventName, Handler<DomainEventName>[]>();
  private readonly signalHandlers = new Map<LiveSignalName, Set<SignalHandler<LiveSignalName>>>();
  private readonly txHandlers = new Map<DomainEventName, TxHandler<DomainEventName>[]>();
  private readonly outboxWriters: OutboxWriter[] = [];

  constructor(private readonly log: Logger) {}

  /**
   * Runs `handler` inside the transaction that records the event, before it commits: the outbox for work that
   * must follow the change durably (enqueue a job; never a provider call). Its failure rolls the change back.
   */
  onRecorded<N extends DomainEventName>(type: N, handler: TxHandler<N>) {
    const list = this.txHandlers.get(type) ?? [];
    list.push(handler as unknown as TxHandler<DomainEventName>);
    this.txHandlers.set(type, list);
  }

  /**
   * Like `onRecorded`, for every event type at once: the writer gets all the
   * transaction's events together (one webhook fan-out job per change, not per event).
   */
  onRecordedBatch(writer: OutboxWriter) {
    this.outboxWriters.push(writer);
  }

  /**
   * The unit of work's last step before commit: every `onRecorded` handler of the recorded events, in order,
   * then every batch writer. One place writes the outbox: a committed change always has its follow-up work,
   * a rolled-back one never.
   */
  async runRecorded(tx: Tx, events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) {
      for (const handler of this.txHandlers.get(event.type) ?? []) await handler(tx, event);
    }
    for (const writer of this.outboxWriters) await writer(tx, events);
  }

  on<N extends DomainEventName>(type: N, handler: Handler<N>) {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as unknown as Handler<DomainEventName>);
    this.handlers.set(type, list);
  }

  /** Subscribes to a live signal on this node; returns the unsubscribe function. */
  onSignal<N extends LiveSignalName>(name: N, handler: SignalHandler<N>): () => void {
    const set = this.signalHandlers.get(name) ?? new Set();
    set.add(handler as unknown as SignalHandler<LiveSignalName>);
    this.signalHandlers.set(name, set);
    return () => set.delete(handler as unknown as SignalHandler<LiveSignalName>);
  }

  /**
   * Delivers a live signal to this node's subscribers, synchronously and in
   * order (a stream of positions must not be reordered by microtasks); a
   * failing subscriber is logged and never stops the others or the sender.
   */
  signal<N extends LiveSignalName>(name: N, payload: LiveSignalMap[N]): void {
    for (const handler of this.signalHandlers.get(name) ?? []) {
      try {
        handler(payload);
      } catch (err) {
        this.log.error({ err, signal: name }, 'signal handler failed');
      }
    }
  }

  publish(events: StoredEvent[]) {
    for (const event of events) {
      for (const handler of this.handlers.get(event.type) ?? []) {
        Promise.resolve()
          .then(() => handler(event))
          .catch((err: unknown) => this.log.error({ err, event: event.type }, 'event handler failed'));
      }
    }
  }
}
