/** Account events (merged into the one event map). */
export {};

declare module '../../platform/events/event-map.js' {
  interface DomainEventMap {
    'user.erased': { userId: string };
  }
}
