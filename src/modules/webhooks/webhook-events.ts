/** The webhook event catalogue (issue 20 point 2); `sos.*` is opt-in (see isOptIn). */
export const WEBHOOK_EVENT_TYPES = [
  'trip.requested',
  'trip.accepted',
  'trip.arrived',
  'trip.started',
  'trip.completed',
  'trip.cancelled',
  'trip.receipt',
  'booking.created',
  'booking.cancelled',
  'booking.deleted',
  'payout.paid',
  'payout.failed',
  'payment.succeeded',
  'payment.failed',
  'refund.created',
  'refund.succeeded',
  'refund.failed',
  'driver.approved',
  'driver.suspended',
  'service_request.requested',
  'service_request.assigned',
  'service_request.status_changed',
  'service_request.completed',
  'service_request.cancelled',
  'sos.opened',
  'sos.acknowledged',
  'sos.resolved',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Safety events carry a person's location in distress: only an endpoint that names them gets them, never "*". */
const OPT_IN_PREFIXES = ['sos.'];

export const isOptIn = (type: string) => OPT_IN_PREFIXES.some((p) => type.startsWith(p));

/** What a subscription may name: a type, a family wildcard (`trip.*`) or `*`. */
export const SUBSCRIPTION_PATTERNS: readonly string[] = [
  '*',
  ...new Set(WEBHOOK_EVENT_TYPES.map((t) => `${t.split('.')[0]}.*`)),
  ...WEBHOOK_EVENT_TYPES,
];

/** Does an endpoint subscribed to `patterns` get `type`? `*` never matches opt-in types; `sos.*` does. */
export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => {
    if (p === type) return true;
    if (p === '*') return !isOptIn(type);
    return p.endsWith('.*') && type.startsWith(p.slice(0, -1));
  });
}
