import type { DbHandle } from '../../platform/db/database.js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { Logger } from '../../platform/observability/logger.js';
import { haversineMeters } from '../../shared/index.js';
import { insertOpenFlag, type FraudReason } from './fraud-flags.repo.js';

/** Issue 16 point 3: suspicious fixes are counted over a sliding hour. */
export const SUSPICION_WINDOW_MS = 3_600_000;
/** One flag attempt per driver per minute at most, however fast a spoofer sends (the index keeps it to one row). */
const FLAG_ATTEMPT_GAP_MS = 60_000;
/** Generations outlive any window counter of theirs, so a lapsed generation never revives old counts. */
const GENERATION_TTL_MS = 7 * 24 * 3_600_000;

/** Why ingest refused a fix that was new enough to take. */
export type HygieneDrop = 'speed' | 'accuracy' | 'mock';

export interface HygieneRules {
  /** GPS_MAX_ACCURACY_M: fixes reporting a worse accuracy (metres) are dropped. */
  maxAccuracyM: number;
  /** GPS_MAX_SPEED_KMH: implied speed from the last accepted fix above this ⇒ an impossible jump. */
  maxSpeedKmh: number;
  /** FRAUD_FLAG_AFTER: impossible jumps and mock reports within an hour that flag the driver. */
  flagAfter: number;
}

export interface ScreenedFix {
  lat: number;
  lng: number;
  accuracy: number | null;
  isMock: boolean;
  at: number;
}

/**
 * Mock reports and poor accuracy are judged on the fix alone; speed against
 * the last accepted fix (`anchor`). A fix at the same instant as its anchor
 * has no speed to judge (the caller coalesces those anyway).
 */
export function hygieneDrop(
  fix: ScreenedFix,
  anchor: { lat: number; lng: number; at: number } | null,
  rules: HygieneRules,
): HygieneDrop | null {
  if (fix.isMock) return 'mock';
  if (fix.accuracy !== null && fix.accuracy > rules.maxAccuracyM) return 'accuracy';
  if (!anchor || fix.at <= anchor.at) return null;
  const metresPerSecond = haversineMeters(anchor, fix) / ((fix.at - anchor.at) / 1000);
  return metresPerSecond * 3.6 > rules.maxSpeedKmh ? 'speed' : null;
}

/** What counts towards a fraud flag: poor accuracy is noise, not fraud. */
export const SUSPICIOUS: Readonly<Partial<Record<HygieneDrop, FraudReason>>> = {
  speed: 'impossible_jump',
  mock: 'mock_location',
};

const generationKey = (driverId: string) => `gps:suspect-gen:${driverId}`;
const gateKey = (driverId: string) => `gps:flag-gate:${driverId}`;

/**
 * Counts a driver's suspicious fixes in hot state (no Postgres per fix) and
 * opens a `fraud_flags` row once the hour holds `flagAfter` of them. Clearing
 * a flag starts a new counter generation, so a cleared driver starts from zero.
 */
export class SuspicionCounter {
  constructor(
    private readonly deps: { db: DbHandle; hotState: HotState; log: Logger },
    private readonly flagAfter: number,
  ) {}

  async record(driverId: string, reasons: FraudReason[]): Promise<void> {
    if (reasons.length === 0) return;
    const { hotState } = this.deps;
    const generation = (await hotState.getValue(generationKey(driverId))) ?? '0';
    const key = `gps:suspect:${driverId}:${generation}`;
    let count = 0;
    for (let i = 0; i < reasons.length; i++) count = await hotState.incrementWindowCounter(key, SUSPICION_WINDOW_MS);
    if (count < this.flagAfter) return;
    if (!(await hotState.setIfAbsent(gateKey(driverId), '1', FLAG_ATTEMPT_GAP_MS))) return;
    const reason = reasons[reasons.length - 1]!;
    try {
      const opened = await insertOpenFlag(this.deps.db, { driverId, reason, suspiciousFixes: count });
      if (opened) this.deps.log.warn({ driverId, reason, count }, 'gps: driver flagged for suspicious fixes');
    } catch (err) {
      // Postgres is away: let the next suspicious fix try again instead of waiting out the gap.
      await hotState.deleteValue(gateKey(driverId)).catch(() => {});
      this.deps.log.error({ err, driverId }, 'gps: fraud flag not written');
    }
  }

  /** After an admin cleared the driver's flag: counting starts again from zero. */
  async reset(driverId: string): Promise<void> {
    await this.deps.hotState.increment(generationKey(driverId), GENERATION_TTL_MS);
    await this.deps.hotState.deleteValue(gateKey(driverId));
  }
}
