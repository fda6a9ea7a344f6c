/**
 * Child process of the ghost-trip suite: a second node that accepts offered trips (the real accept flow, several at
 * once) until it is killed, printing how many accepts have committed.
 * Env: DATABASE_URL, DB_SCHEMA, PAIRS (comma-separated tripId:driverId).
 */
import { loadConfig } from '../../../src/config.js';
import { createPlatform } from '../../../src/platform/runtime.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { respondToTripOffer } from '../../../src/flows/respond-to-offer.js';
import { tripWatchSettings } from '../../../src/flows/reassign-trip.js';

const pairs = process.env.PAIRS!.split(',').map((p) => p.split(':') as [string, string]);
const config = loadConfig({ NODE_ENV: 'test', DB_SCHEMA: process.env.DB_SCHEMA!, LOG_LEVEL: 'silent' });
const platform = await createPlatform(config, { log: createLogger('silent') });
const deps = {
  db: platform.database.db,
  bus: platform.bus,
  jobs: platform.jobs,
  tripWatch: tripWatchSettings(config),
};
let committed = 0;
const IN_FLIGHT = 4;
for (let i = 0; i < pairs.length; i += IN_FLIGHT) {
  await Promise.all(
    pairs.slice(i, i + IN_FLIGHT).map(async ([tripId, driverId]) => {
      await respondToTripOffer(deps, { driver: { id: driverId, role: 'driver' }, tripId, action: 'accept' });
      process.stdout.write(`committed ${++committed}\n`);
    }),
  );
}
process.stdout.write('done\n');
setInterval(() => {}, 60_000);
