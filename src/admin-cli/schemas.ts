import { jobsSchemaFor } from '../platform/jobs/runner-options.js';

/**
 * What a backup contains: the app schema (DB_SCHEMA) and the graphile-worker
 * schema that belongs to it, because pending jobs (booking reminders, the
 * daily retention chain, notification deliveries) are part of the state: a
 * restore without them would silently drop work the app promised to do.
 * Extensions the schemas use
 * (btree_gist …) are recorded as CREATE EXTENSION IF NOT EXISTS.
 */
export function backupSchemas(appSchema: string): string[] {
  return [appSchema, jobsSchemaFor(appSchema)];
}
