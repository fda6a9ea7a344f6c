import type { Logger } from '../observability/logger.js';

/**
 * The old mobile apps' event names (seed 000 "Event schema normalization":
 * keep a compatibility layer with a sunset date, log WARN on legacy usage).
 * Served only while the LEGACY_EVENTS flag is on.
 */
export const LEGACY_SUNSET = '2027-06-30';

/** Incoming legacy names are declared on each event (`legacyNames`); outgoing ones are mapped here. */
export const LEGACY_OUTGOING: Readonly<Record<string, string>> = {
  'trip:status_changed': 'request:status_changed',
  'chat:message': 'newMessage',
};

/** Remembers which legacy names a connection already used, so each is logged once per connection. */
export class LegacyUsageLog {
  private readonly seenOutgoing = new Set<string>();

  constructor(private readonly log: Logger) {}

  incoming(seen: Set<string>, ctx: { socketId: string; userId: string; event: string; replacement: string }): void {
    if (seen.has(ctx.event)) return;
    seen.add(ctx.event);
    this.log.warn(
      { ...ctx, sunset: LEGACY_SUNSET },
      `legacy socket event "${ctx.event}" used; it stops working after ${LEGACY_SUNSET}`,
    );
  }

  /** Outgoing aliases go to rooms, not connections: logged once per node and name. */
  outgoing(event: string, legacyName: string): void {
    if (this.seenOutgoing.has(legacyName)) return;
    this.seenOutgoing.add(legacyName);
    this.log.warn(
      { event, legacyName, sunset: LEGACY_SUNSET },
      `legacy socket event "${legacyName}" emitted; it stops after ${LEGACY_SUNSET}`,
    );
  }
}
