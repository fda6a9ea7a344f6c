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

export function isFlagName(name: string): name is FlagName {
  return (FLAG_NAMES as readonly string[]).includes(name);
}

/**
 * Feature flags that switch modules into safe modes. Reads are synchronous
 * map lookups (hot paths call `isOn` per request). Defaults come from env;
 * the cluster-wide overrides in Postgres are applied by FlagSync
 * (src/platform/flag-sync.ts) on every node.
 */
export class FeatureFlags {
  private readonly values = new Map<FlagName, boolean>();
  private readonly defaults = new Map<FlagName, boolean>();
  /** Shared values as last applied from the overrides table (null until the first sync). */
  private synced: Map<FlagName, boolean> | null = null;

  constructor(config: Config) {
    for (const name of FLAG_NAMES) {
      this.defaults.set(name, config[name]);
      this.values.set(name, config[name]);
    }
  }

  isOn(name: FlagName): boolean {
    return this.values.get(name) ?? false;
  }

  /** This node's env default (what applies when no override exists). */
  envDefault(name: FlagName): boolean {
    return this.defaults.get(name) ?? false;
  }

  /**
   * Node-local change (tests, emergencies on one box). It lasts until the
   * shared value of the same flag changes: the last writer wins.
   */
  set(name: FlagName, value: boolean) {
    this.values.set(name, value);
  }

  /**
   * Applies the cluster's overrides (flags without one fall back to env).
   * Only flags whose shared value moved since the last sync are touched, so a
   * periodic re-read does not undo a local `set`. Returns the flags whose
   * value on this node changed.
   */
  applyOverrides(overrides: ReadonlyMap<FlagName, boolean>): FlagName[] {
    const next = new Map(FLAG_NAMES.map((n) => [n, overrides.get(n) ?? this.envDefault(n)] as const));
    const changed: FlagName[] = [];
    for (const name of FLAG_NAMES) {
      if (this.synced?.get(name) === next.get(name)) continue;
      if (this.values.get(name) !== next.get(name)) changed.push(name);
      this.values.set(name, next.get(name)!);
    }
    this.synced = next;
    return changed;
  }

  all(): Record<FlagName, boolean> {
    return Object.fromEntries(FLAG_NAMES.map((n) => [n, this.isOn(n)])) as Record<FlagName, boolean>;
  }
}
