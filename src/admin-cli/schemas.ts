/**
 * What a backup contains: the app schema (DB_SCHEMA) and the graphile-worker
 * schema that belongs to it, because pending jobs (booking reminders, the
 * daily retention chain, notification deliveries) are part of the state: a
 * restore without them would silently drop work the app promised to do.
 * Same naming rule as src/platform/runtime.ts. Extensions the schemas use
 * (btree_gist …) are recorded as CREATE EXTENSION IF NOT EXISTS.
 */
export function backupSchemas(appSchema: string): string[] {
  return [appSchema, appSchema === 'public' ? 'graphile_worker' : `${appSchema}_jobs`];
}
