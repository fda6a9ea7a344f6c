/** SOS events (merged into the one event map); each carries the alert as GET /admin/sos/{id} shows it then. */
declare module '../../platform/events/event-map.js' {
  interface DomainEventMap {
    /** The alert's fan-out committed (the job queued with the alert, once per alert). */
    'sos.opened': { alert: object };
    /** A dispatcher or admin acknowledged it (first time only). */
    'sos.acknowledged': { alert: object };
    /** A dispatcher or admin resolved it (first time only). */
    'sos.resolved': { alert: object };
  }
}

export {};
