import type { Config } from '../config.js';

export const FLAG_NAMES = [
  'MATCHING_DEGRADED',
  'SURGE_DISABLED',
  'LOCATION_HISTORY_DISABLED',
  'ANALYTICS_DISABLED',
  'NOTIFICATIONS_DEGRADED',
  'LEGACY_EVENTS',
] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

/**
 * Feature flags that switch modules into safe modes. Defaults come from env;
 * `set` changes them at runtime (the operability work persists changes in
 * Postgres and propagates them to every node).
 */
export class FeatureFlags {
  private readonly values = new Map<FlagName, boolean>();

  constructor(config: Config) {
    for (const name of FLAG_NAMES) this.values.set(name, config[name]);
  }

  isOn(name: FlagName): boolean {
    return this.values.get(name) ?? false;
  }

  set(name: FlagName, value: boolean) {
    this.values.set(name, value);
  }

  all(): Record<FlagName, boolean> {
    return Object.fromEntries(FLAG_NAMES.map((n) => [n, this.isOn(n)])) as Record<FlagName, boolean>;
  }
}
