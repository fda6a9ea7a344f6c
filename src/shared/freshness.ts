/**
 * A driver's last position older than this says nothing about where they are
 * now: nearby, matching and surge supply all ignore it (DESIGN: presence is a
 * 30 s heartbeat; two missed beats and the position is stale).
 */
export const FRESH_POSITION_MS = 60_000;
