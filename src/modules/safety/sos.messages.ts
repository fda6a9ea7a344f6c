import type { NewDelivery } from '../notifications/index.js';
import type { EmergencyContactRow } from './contacts.repo.js';
import type { SosAlertRow } from './sos.repo.js';

export interface SosRecipients {
  contacts: EmergencyContactRow[];
  oncallPhone?: string;
  oncallEmail?: string;
  oncallPushTopic: string;
}

export interface SosPerson {
  name: string;
  phone: string;
}

export const SOS_SUBJECT = 'sos_alert';

const mapLink = (lat: number, lng: number) => `https://maps.google.com/?q=${lat.toFixed(6)},${lng.toFixed(6)}`;

/** The admin-room socket payload (API.md `sos:alert {alertId, …}`). */
export function sosAlertPayload(alert: SosAlertRow, person: SosPerson) {
  return {
    alertId: alert.id,
    userId: alert.user_id,
    name: person.name,
    tripId: alert.trip_id,
    lat: alert.lat,
    lng: alert.lng,
    note: alert.note,
    status: alert.status,
    createdAt: alert.created_at.toISOString(),
  };
}

/**
 * Every channel of the first fan-out, all CRITICAL: the admin room, the
 * on-call push topic, SMS and email to each emergency contact and to on-call.
 */
/**
 * The API node emits `sos:alert` to the admin room right after commit; the
 * queued socket delivery is the backup that runs this much later and finds it
 * already sent (or sends it, if that node died between commit and emit).
 */
export const SOS_SOCKET_BACKUP_MS = 2_000;

export function sosFanOut(alert: SosAlertRow, person: SosPerson, to: SosRecipients): NewDelivery[] {
  const base = { subjectType: SOS_SUBJECT, subjectId: alert.id, priority: 'CRITICAL' as const };
  const where = mapLink(alert.lat, alert.lng);
  const note = alert.note ? ` Note: ${alert.note}` : '';
  const sms = { body: `SOS from ${person.name} (${person.phone}). Location: ${where}.${note} — SmartLine` };
  const email = {
    subject: `SOS: ${person.name} needs help`,
    text: `${person.name} (${person.phone}) pressed SOS at ${alert.created_at.toISOString()}.\nLocation: ${where}\n${alert.trip_id ? `Trip: ${alert.trip_id}\n` : ''}${note.trim()}\n\nSmartLine safety team`,
  };
  const out: NewDelivery[] = [
    {
      ...base,
      channel: 'socket',
      recipient: 'admin',
      recipientKind: 'admins',
      content: { event: 'sos:alert', payload: sosAlertPayload(alert, person) },
      notBefore: new Date(Date.now() + SOS_SOCKET_BACKUP_MS),
    },
    {
      ...base,
      channel: 'push',
      recipient: to.oncallPushTopic,
      recipientKind: 'topic',
      content: { title: 'SOS alert', body: `${person.name} needs help`, data: { alertId: alert.id, kind: 'sos' } },
    },
  ];
  for (const c of to.contacts) {
    if (c.phone) out.push({ ...base, channel: 'sms', recipient: c.phone, recipientKind: 'contact', content: sms });
    if (c.email) out.push({ ...base, channel: 'email', recipient: c.email, recipientKind: 'contact', content: email });
  }
  if (to.oncallPhone)
    out.push({ ...base, channel: 'sms', recipient: to.oncallPhone, recipientKind: 'oncall', content: sms });
  if (to.oncallEmail)
    out.push({ ...base, channel: 'email', recipient: to.oncallEmail, recipientKind: 'oncall', content: email });
  return out;
}

/** One escalation round: a phone call to on-call plus a reminder in the admin room. */
export function sosEscalation(
  alert: SosAlertRow,
  person: SosPerson,
  round: number,
  oncallPhone: string | undefined,
): NewDelivery[] {
  const base = {
    subjectType: SOS_SUBJECT,
    subjectId: alert.id,
    priority: 'CRITICAL' as const,
    dedupeKey: `escalation:${round}`,
  };
  const out: NewDelivery[] = [
    {
      ...base,
      channel: 'socket',
      recipient: 'admin',
      recipientKind: 'admins',
      content: { event: 'sos:escalated', payload: { ...sosAlertPayload(alert, person), round } },
    },
  ];
  if (oncallPhone) {
    const say =
      `SmartLine emergency. ${person.name} pressed SOS and nobody has acknowledged it yet. This is ` +
      `escalation ${round}. Please check the operations console now.`;
    out.push({ ...base, channel: 'call', recipient: oncallPhone, recipientKind: 'oncall', content: { say } });
  }
  return out;
}
