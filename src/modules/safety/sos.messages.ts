import { DEFAULT_LOCALE, type Locale } from '../../shared/index.js';
import { renderTemplate, type NewDelivery } from '../notifications/index.js';
import type { EmergencyContactRow } from './contacts.repo.js';
import type { SosAlertRow } from './sos.repo.js';

export interface SosRecipients {
  contacts: EmergencyContactRow[];
  /** Push tokens of contacts who use the app, by contact phone: they get a push first, the SMS if it fails. */
  contactDevices: Map<string, string[]>;
  /** The live share link of the alert's trip (null without an active trip: a map link at the SOS point). */
  liveLink: string | null;
  oncallPhone?: string;
  oncallEmail?: string;
  oncallPushTopic: string;
}

export interface SosPerson {
  name: string;
  phone: string;
  /** The sender's language: their emergency contacts get the text in it (contacts have no account of their own). */
  locale: Locale;
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

/** Push, SMS and e-mail to a contact or on-call staff, from the template catalogue. */
function contactText(alert: SosAlertRow, person: SosPerson, locale: Locale, liveLink: string | null) {
  const data = {
    name: person.name,
    phone: person.phone,
    link: liveLink ?? mapLink(alert.lat, alert.lng),
    note: alert.note,
    at: alert.created_at.toISOString(),
  };
  const { title, body } = renderTemplate('sos.contact_alert', data, locale);
  const trip = alert.trip_id ? `\nTrip: ${alert.trip_id}` : '';
  return { title, sms: { body }, email: { subject: title, text: `${body}${trip}` } };
}

/** Key of the contact SMS queued when the contact's SOS push fails (the deliveries' unique key: once). */
export const PUSH_FALLBACK_KEY = 'push-fallback';

/**
 * Issue 17.6: a contact who has the app gets a CRITICAL push on each device; a failed push (provider error,
 * breaker open, dead token) falls back to the SMS with the live link. A contact without a device gets the SMS.
 */
function contactPhoneDeliveries(
  base: Pick<NewDelivery, 'subjectType' | 'subjectId' | 'priority'>,
  phone: string,
  devices: string[],
  text: ReturnType<typeof contactText>,
): NewDelivery[] {
  if (devices.length === 0)
    return [{ ...base, channel: 'sms', recipient: phone, recipientKind: 'contact', content: text.sms }];
  const fallback = {
    channel: 'sms',
    recipient: phone,
    recipientKind: 'contact',
    dedupeKey: PUSH_FALLBACK_KEY,
    content: text.sms,
  };
  return devices.map((token) => ({
    ...base,
    channel: 'push' as const,
    recipient: token,
    recipientKind: 'device' as const,
    content: { title: text.title, body: text.sms.body, data: { alertId: base.subjectId, kind: 'sos' }, fallback },
  }));
}

export function sosFanOut(alert: SosAlertRow, person: SosPerson, to: SosRecipients): NewDelivery[] {
  const base = { subjectType: SOS_SUBJECT, subjectId: alert.id, priority: 'CRITICAL' as const };
  const forContacts = contactText(alert, person, person.locale, to.liveLink);
  const forOncall = contactText(alert, person, DEFAULT_LOCALE, to.liveLink);
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
    if (c.phone) out.push(...contactPhoneDeliveries(base, c.phone, to.contactDevices.get(c.phone) ?? [], forContacts));
    if (c.email)
      out.push({ ...base, channel: 'email', recipient: c.email, recipientKind: 'contact', content: forContacts.email });
  }
  if (to.oncallPhone)
    out.push({ ...base, channel: 'sms', recipient: to.oncallPhone, recipientKind: 'oncall', content: forOncall.sms });
  if (to.oncallEmail)
    out.push({
      ...base,
      channel: 'email',
      recipient: to.oncallEmail,
      recipientKind: 'oncall',
      content: forOncall.email,
    });
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
