/** One fix as the history keeps it (null = the device did not report it). */
export interface HistoryFix {
  lat: number;
  lng: number;
  heading: number | null;
  speed: number | null;
  accuracy: number | null;
  /** Epoch ms of the fix. */
  at: number;
}

/** Rows per chunk: one INSERT each at flush time, and the unit the buffer drops when it is full. */
export const HISTORY_CHUNK_ROWS = 5_000;

/**
 * Buffered history rows, column by column. Thousands of points a second wait
 * here for up to a flush interval: as objects each would be an allocation
 * plus boxed numbers that outlive the young generation (GC work on the hot
 * path); in number arrays they stay unboxed. Null is stored as NaN, which
 * Postgres reads back as 'NaN' and the insert turns into NULL.
 */
export class HistoryChunk {
  readonly driverIds: string[] = [];
  readonly tripIds: Array<string | null> = [];
  readonly at: number[] = [];
  readonly lat: number[] = [];
  readonly lng: number[] = [];
  readonly heading: number[] = [];
  readonly speed: number[] = [];
  readonly accuracy: number[] = [];

  get length(): number {
    return this.at.length;
  }

  get full(): boolean {
    return this.at.length >= HISTORY_CHUNK_ROWS;
  }

  push(driverId: string, tripId: string | null, fix: HistoryFix): void {
    this.driverIds.push(driverId);
    this.tripIds.push(tripId);
    this.at.push(fix.at);
    this.lat.push(fix.lat);
    this.lng.push(fix.lng);
    this.heading.push(fix.heading ?? NaN);
    this.speed.push(fix.speed ?? NaN);
    this.accuracy.push(fix.accuracy ?? NaN);
  }
}

/**
 * A Postgres array literal (`{1.5,NaN,2}`) built with one native join: the
 * pg driver would otherwise format every element of every column one by one.
 * Only numbers and uuids (our own ids) go through here.
 */
export function numberArrayLiteral(values: number[]): string {
  return `{${values.join(',')}}`;
}

export function uuidArrayLiteral(values: Array<string | null>): string {
  return `{${values.map((v) => v ?? 'NULL').join(',')}}`;
}
