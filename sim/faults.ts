/**
 * `npm run sim -- --faults`: drivers who vanish after accepting, drivers who
 * spoof GPS jumps, honest drivers with the odd inaccurate fix (rider and
 * driver cancellations come from --cancel-prob / --driver-cancel-prob as in
 * every run). The report says what the server did about each, as measured
 * from the apps' side.
 */
import { quantile } from './stats.js';

export interface FaultSettings {
  /** Chance a driver who won a trip vanishes on the way to the pickup (socket gone, no more positions). */
  vanishProb: number;
  /** Share of drivers whose app spoofs positions. */
  spooferShare: number;
  /** A spoofer's chance, per position report, of sending a 50 km jump instead of where it is. */
  jumpProb: number;
  /** Any driver's chance, per position report, of a fix with a poor (250 m) accuracy. */
  noiseProb: number;
}

export interface FaultReport {
  vanishedDrivers: number;
  /** Trips held by a driver when they vanished. */
  abandonedTrips: number;
  /** Of those, trips another driver accepted afterwards. */
  reassigned: number;
  /** Vanish → another driver's accept, simulated seconds. */
  reassignmentS: { p50: number | null; p95: number | null };
  /** Abandoned trips still held by the vanished driver when the run ended (neither reassigned nor ended). */
  unattendedAtEnd: number;
  fixes: { sent: number; accepted: number; dropped: Record<string, number> };
  spoofers: number;
  spoofersFlagged: number;
  /** Honest drivers with an open fraud flag at the end: false positives. */
  honestFlagged: number;
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

export class FaultStats {
  private readonly abandoned = new Map<string, { at: number; reassignedAt?: number }>();
  private readonly fixes = { sent: 0, accepted: 0, dropped: {} as Record<string, number> };
  readonly spoofers = new Set<string>();
  private vanishedDrivers = 0;

  vanished(tripId: string, at: number): void {
    this.vanishedDrivers++;
    this.abandoned.set(tripId, { at });
  }

  /** Any accept of a trip: an abandoned one accepted again has been reassigned. */
  matched(tripId: string, at: number): void {
    const a = this.abandoned.get(tripId);
    if (a && a.reassignedAt === undefined) a.reassignedAt = at;
  }

  fix(ack: { accepted: boolean; reason?: string }): void {
    this.fixes.sent++;
    if (ack.accepted) this.fixes.accepted++;
    else {
      const reason = ack.reason ?? 'unknown';
      this.fixes.dropped[reason] = (this.fixes.dropped[reason] ?? 0) + 1;
    }
  }

  /** `stillOpen(tripId)`: the trip has not ended (from the simulator's trip records). */
  report(stillOpen: (tripId: string) => boolean, flagged: Set<string>): FaultReport {
    const entries = [...this.abandoned.entries()];
    const times = entries
      .filter(([, a]) => a.reassignedAt !== undefined)
      .map(([, a]) => (a.reassignedAt! - a.at) / 1000)
      .sort((x, y) => x - y);
    const honestFlagged = [...flagged].filter((id) => !this.spoofers.has(id)).length;
    return {
      vanishedDrivers: this.vanishedDrivers,
      abandonedTrips: entries.length,
      reassigned: times.length,
      reassignmentS: { p50: round1(quantile(times, 0.5)), p95: round1(quantile(times, 0.95)) },
      unattendedAtEnd: entries.filter(([id, a]) => a.reassignedAt === undefined && stillOpen(id)).length,
      fixes: { ...this.fixes, dropped: { ...this.fixes.dropped } },
      spoofers: this.spoofers.size,
      spoofersFlagged: [...flagged].filter((id) => this.spoofers.has(id)).length,
      honestFlagged,
    };
  }
}

export function formatFaults(f: FaultReport): string[] {
  const s = (x: number | null) => (x === null ? 'n/a' : `${x} s`);
  const dropped =
    Object.entries(f.fixes.dropped)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'none';
  return [
    `  faults: vanished   ${f.vanishedDrivers} drivers left ${f.abandonedTrips} accepted trips; ${f.reassigned} ` +
      `reassigned (p50 ${s(f.reassignmentS.p50)}, p95 ${s(f.reassignmentS.p95)}), ${f.unattendedAtEnd} left unattended`,
    `  faults: GPS        ${f.fixes.sent} fixes sent, ${f.fixes.accepted} accepted, dropped ${dropped}`,
    `  faults: flags      ${f.spoofersFlagged} of ${f.spoofers} spoofers flagged, ${f.honestFlagged} honest drivers flagged`,
  ];
}
