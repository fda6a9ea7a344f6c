import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeName, safeText } from '../../platform/text.js';
import { normalizePhone } from '../users/index.js';

/** API.md coordinates: lat −90..90, lng −180..180, (0,0) rejected. */
const Coordinates = {
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
};
const notNullIsland = (p: { lat: number; lng: number }) => !(p.lat === 0 && p.lng === 0);
const NOT_NULL_ISLAND = { message: '(0,0) is not a valid position', path: ['lat'] };

export const SosRequest = z
  .object({ tripId: z.uuid().optional(), ...Coordinates, note: safeText({ max: 500, multiline: true }).optional() })
  .refine(notNullIsland, NOT_NULL_ISLAND);
/** Socket `sos:trigger {tripId?, lat, lng}` (API.md); a note is accepted too. */
export const SosTriggerEvent = SosRequest;

export const SosCreatedSchema = z.object({ alertId: z.uuid() });

export const SosAlertSchema = named(
  'SosAlert',
  z.object({
    id: z.uuid(),
    userId: z.uuid(),
    tripId: z.uuid().nullable(),
    lat: z.number(),
    lng: z.number(),
    note: z.string().nullable(),
    status: z.enum(['open', 'acknowledged', 'resolved']),
    channels: z.array(
      z.object({
        channel: z.enum(['socket', 'push', 'sms', 'email', 'call']),
        status: z.enum(['pending', 'sent', 'failed', 'skipped']),
        attempts: z.number().int(),
        lastError: z.string().optional(),
        recipient: z.string(),
        sentAt: z.string().nullable(),
      }),
    ),
    escalations: z.number().int(),
    lastPosition: z.object({ lat: z.number(), lng: z.number(), at: z.string() }),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.uuid().nullable(),
    acknowledgeNote: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.uuid().nullable(),
    resolveNote: z.string().nullable(),
    /** When on-call is called next if nobody acknowledges (the desk's countdown); null once that cannot happen. */
    nextEscalationAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);

/** Acknowledge and resolve carry the desk's note (optional: an acknowledgement must never wait on typing). */
export const SosMoveRequest = z
  .strictObject({ note: safeText({ min: 1, max: 500, multiline: true }).optional() })
  .nullish();
export const SosTrailSchema = z.array(z.object({ lat: z.number(), lng: z.number(), at: z.string() }));

export const ListSosQuery = z.object({
  status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** Issue 7: ≤ 5 contacts, each a name plus a mobile number and/or an email. */
export const MAX_EMERGENCY_CONTACTS = 5;

const MobilePhone = z
  .string()
  .max(30)
  .transform((v, ctx) => {
    const phone = normalizePhone(v);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'must be a mobile number (+… or national in PHONE_REGION)' });
      return z.NEVER;
    }
    return phone;
  });

export const EmergencyContactInput = z
  .object({ name: safeName(100), phone: MobilePhone.nullish(), email: z.email().max(254).nullish() })
  .refine((c) => Boolean(c.phone || c.email), { message: 'a contact needs a phone or an email', path: ['phone'] });

const ContactList = z.array(EmergencyContactInput).max(MAX_EMERGENCY_CONTACTS);
/** Accepts `{contacts: [...]}` or the bare array. */
export const EmergencyContactsRequest = z
  .union([z.object({ contacts: ContactList }), ContactList])
  .transform((v) => (Array.isArray(v) ? v : v.contacts));

export const EmergencyContactsSchema = z.object({
  contacts: z.array(
    z.object({ id: z.uuid(), name: z.string(), phone: z.string().nullable(), email: z.string().nullable() }),
  ),
});

export const IdParams = z.object({ id: z.uuid() });
export const ShareParams = z.object({ id: z.uuid(), token: z.string().min(1).max(100) });
export const ShareTokenParams = z.object({ token: z.string().min(1).max(100) });

export const ShareCreatedSchema = z.object({ token: z.string(), url: z.string(), expiresAt: z.string() });

export const SharedTripSchema = z.object({
  status: z.string(),
  pickup: z.object({ lat: z.number(), lng: z.number() }),
  dropoff: z.object({ lat: z.number(), lng: z.number() }),
  driver: z.object({ name: z.string(), vehicle: z.unknown(), rating: z.number() }).nullable(),
  position: z.object({ lat: z.number(), lng: z.number(), heading: z.number().nullable(), at: z.string() }).nullable(),
  updatedAt: z.string(),
  expiresAt: z.string(),
});
