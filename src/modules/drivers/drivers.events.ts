/** Driver standing events (merged into the one event map); each carries the resource as the API shows it then. */
declare module '../../platform/events/event-map.js' {
  interface DomainEventMap {
    /** An admin approved a driver's profile (first approval only); `driver` as POST …/approve answers. */
    'driver.approved': { driver: object };
    /** A driver was suspended; `user` as PATCH /admin/users/{id} answers an admin. */
    'driver.suspended': { user: object };
  }
}

export {};
