import type { Formatter } from './format.js';

export interface RenderedMessage {
  title: string;
  body: string;
}

export type TemplateData = Record<string, unknown>;
type Renderer = (data: TemplateData, f: Formatter) => RenderedMessage;

/** Every template a module may send. Adding one here makes both language files fail to compile until written. */
export const TEMPLATE_KEYS = [
  'sos.contact_alert',
  'sos.acknowledged',
  'sos.resolved',
  'safety.stopped',
  'safety.off_route',
  'safety.speeding',
  'safety.not_started',
  'trip.otp_locked',
  'trip.accepted',
  'trip.driver_arriving',
  'trip.arrived',
  'trip.started',
  'trip.completed',
  'trip.cancelled_by_rider',
  'trip.cancelled_by_support',
  'trip.no_drivers',
  'trip.scheduled',
  'trip.scheduled_reminder',
  'chat.message',
  'service_request.assigned',
  'service_request.arrived',
  'service_request.quoted',
  'service_request.completed',
  'service_request.cancelled_by_customer',
  'service_request.cancelled_by_provider',
  'service_request.cancelled_by_support',
  'service_request.no_providers',
  'service_request.quote_approved',
  'service_request.quote_declined',
  'trip.reassigning',
  'trip.driver_reserved',
  'trip.driver_confirmed',
  'trip.backup_search',
  'trip.confirm_requested',
  'trip.payment_failed_pay_cash',
  'trip.payment_failed_collect_cash',
  'wallet.withdrawal_expired',
  'wallet.withdrawal_approved',
  'wallet.withdrawal_rejected',
  'wallet.deposit_failed',
  'wallet.deposit_credited',
  'wallet.deposit_held',
  'wallet.deposit_rejected',
  'wallet.payout_paid',
  'wallet.payout_failed',
  'webhook.endpoint_disabled',
  'booking_created',
  'booking_requested',
  'booking_confirmed',
  'booking_started',
  'booking_completed',
  'booking_cancelled',
  'booking_reminder',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** One language's texts: exactly the keys above (the type refuses a missing or an extra one). */
export type Catalogue = Record<TemplateKey, Renderer>;

export const str = (value: unknown, fallback = ''): string =>
  typeof value === 'string' && value.length > 0 ? value : fallback;
