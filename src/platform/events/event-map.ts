/**
 * Every domain event and its payload. The event store, the in-process bus and
 * the socket gateway all take names from here, so a typo does not compile.
 * Platform names none of them: each module declares its own in its
 * `x.events.ts`, merged into this interface
 * (`declare module '…/platform/events/event-map.js' { interface DomainEventMap { … } }`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface DomainEventMap {}

/**
 * Signals that live only in this process and are never stored: delivered
 * synchronously to the node's own subscribers (the live location stream).
 * Modules declare them the same way as domain events.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface LiveSignalMap {}

export type LiveSignalName = keyof LiveSignalMap;

export type DomainEventName = keyof DomainEventMap;

export interface DomainEvent<N extends DomainEventName = DomainEventName> {
  type: N;
  aggregateType: string;
  aggregateId: string;
  payload: DomainEventMap[N];
  actorId: string | null;
}

export interface StoredEvent<N extends DomainEventName = DomainEventName> extends DomainEvent<N> {
  id: number;
  seq: number;
  createdAt: Date;
}
