import type { Db } from '../platform/db/database.js';
import type { EventBus } from '../platform/events/bus.js';

/**
 * What every flow that commits a unit of work needs: the database, and the
 * bus that publishes the unit's events once it has committed. Each flow's
 * own deps type adds exactly the services it calls.
 */
export interface UnitDeps {
  db: Db;
  bus: EventBus;
}
