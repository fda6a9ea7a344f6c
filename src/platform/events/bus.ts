import type { Logger } from '../observability/logger.js';
import type { DomainEventName, LiveSignalMap, LiveSignalName, StoredEvent } from './event-map.js';

type Handler<N extends DomainEventName> = (event: StoredEvent<N>) => void | Promise<void>;
type SignalHandler<N extends LiveSignalName> = (payload: LiveSignalMap[N]) => void;

/**
 * In-process fan-out of committed events (socket gateway, metrics). Publish
 * only after the transaction that stored them has committed. Handlers never
 * break the publisher: their errors are logged.
 */
export class EventBus {
  private readonly handlers = new Map<DomainEventName, Handler<DomainEventName>[]>();
  private readonly signalHandlers = new Map<LiveSignalName, Set<SignalHandler<LiveSignalName>>>();

  constructor(private readonly log: Logger) {}

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
