import type { Logger } from '../observability/logger.js';
import type { DomainEventName, StoredEvent } from './event-map.js';

type Handler<N extends DomainEventName> = (event: StoredEvent<N>) => void | Promise<void>;

/**
 * In-process fan-out of committed events (socket gateway, metrics). Publish
 * only after the transaction that stored them has committed. Handlers never
 * break the publisher: their errors are logged.
 */
export class EventBus {
  private readonly handlers = new Map<DomainEventName, Handler<DomainEventName>[]>();

  constructor(private readonly log: Logger) {}

  on<N extends DomainEventName>(type: N, handler: Handler<N>) {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as unknown as Handler<DomainEventName>);
    this.handlers.set(type, list);
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
