import type { DbHandle } from '../../platform/db/database.js';
import { maskPhone } from '../../platform/observability/logger.js';
import { listDeliveriesFor, type DeliveryRow } from './deliveries.repo.js';
import type { Channel } from './notifications.repo.js';

export interface DeliveryStatusView {
  channel: Channel;
  status: DeliveryRow['status'];
  attempts: number;
  lastError?: string;
  /** Who it went to, masked: "admins", "oncall +20******1234", "contact m***@example.com". */
  recipient: string;
  sentAt: string | null;
  /** The sender's dedupe key (e.g. `offer:<driverId>`), which tells deliveries of one subject apart. */
  key: string;
}

function maskEmail(address: string): string {
  const at = address.indexOf('@');
  return at <= 0 ? '***' : `${address[0]}***${address.slice(at)}`;
}

function maskRecipient(d: DeliveryRow): string {
  if (d.recipient_kind === 'admins') return 'admins';
  if (d.recipient_kind === 'user' || d.recipient_kind === 'device' || d.recipient_kind === 'room')
    return d.recipient_kind;
  if (d.recipient_kind === 'topic') return `topic ${d.recipient}`;
  const masked = d.recipient.includes('@') ? maskEmail(d.recipient) : maskPhone(d.recipient);
  return `${d.recipient_kind} ${masked}`;
}

/** Per-channel delivery state of everything sent about one subject (e.g. an SOS alert). */
export async function deliveryStatusFor(
  db: DbHandle,
  subject: { type: string; id: string },
): Promise<DeliveryStatusView[]> {
  const rows = await listDeliveriesFor(db, subject);
  return rows.map((d) => ({
    channel: d.channel,
    status: d.status,
    attempts: d.attempts,
    ...(d.last_error ? { lastError: d.last_error } : {}),
    recipient: maskRecipient(d),
    sentAt: d.sent_at ? d.sent_at.toISOString() : null,
    key: d.dedupe_key,
  }));
}
