import type { DbHandle } from '../../platform/db/database.js';
import { deliveryStatusFor } from '../notifications/index.js';
import type { SafetyConfig } from './safety.config.js';
import { SOS_SUBJECT } from './sos.messages.js';
import type { SosAlertRow } from './sos.repo.js';

/** An SOS alert as the API shows it (GET /admin/sos/:id), and as its `sos.*` webhooks carry it. */
export async function sosAlertView(db: DbHandle, config: SafetyConfig, alert: SosAlertRow) {
  return {
    id: alert.id,
    userId: alert.user_id,
    tripId: alert.trip_id,
    lat: alert.lat,
    lng: alert.lng,
    note: alert.note,
    status: alert.status,
    channels: await deliveryStatusFor(db, { type: SOS_SUBJECT, id: alert.id }),
    escalations: alert.escalations,
    lastPosition: { lat: alert.last_lat, lng: alert.last_lng, at: alert.last_position_at.toISOString() },
    acknowledgedAt: alert.acknowledged_at ? alert.acknowledged_at.toISOString() : null,
    acknowledgedBy: alert.acknowledged_by,
    acknowledgeNote: alert.acknowledge_note,
    resolvedAt: alert.resolved_at ? alert.resolved_at.toISOString() : null,
    resolvedBy: alert.resolved_by,
    resolveNote: alert.resolve_note,
    nextEscalationAt: nextEscalationAt(config, alert)?.toISOString() ?? null,
    createdAt: alert.created_at.toISOString(),
  };
}

/** When the escalation job calls on-call next (the desk's countdown): null once acknowledged or out of rounds. */
function nextEscalationAt(config: SafetyConfig, alert: SosAlertRow): Date | null {
  const { SOS_ESCALATION_MS, SOS_ESCALATION_REPEAT_MS, SOS_ESCALATION_MAX } = config;
  if (alert.status !== 'open' || alert.escalations >= SOS_ESCALATION_MAX) return null;
  if (alert.escalations === 0 || !alert.last_escalated_at)
    return new Date(alert.created_at.getTime() + SOS_ESCALATION_MS);
  return new Date(alert.last_escalated_at.getTime() + SOS_ESCALATION_REPEAT_MS);
}
