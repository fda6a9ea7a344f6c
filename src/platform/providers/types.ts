/**
 * Messaging provider ports. Adapters: SMTP (nodemailer), FCM HTTP v1 push,
 * Twilio-style REST SMS and voice; recording fakes for development and tests.
 * Every call takes an AbortSignal (the breaker's timeout) and throws
 * ProviderError (transient) or PermanentProviderError (do not retry).
 */
export interface SendReceipt {
  /** The provider's id for the message, when it returns one. */
  providerId?: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Exactly one of token (a device) or topic (e.g. the on-call group). */
export interface PushMessage {
  token?: string;
  topic?: string;
  title: string;
  body: string;
  data?: Record<string, string>;
  /** Data-only push (no notification block): the app decides what to show, e.g. an offer card. */
  dataOnly?: boolean;
  /** Drop the message if it cannot be delivered within this many seconds (an offer past its expiry). */
  ttlSeconds?: number;
  /** A later message with the same key replaces an undelivered/shown earlier one (offer → withdrawn). */
  collapseKey?: string;
}

export interface SmsMessage {
  to: string;
  body: string;
}

export interface VoiceCall {
  to: string;
  /** Spoken to whoever answers. */
  say: string;
}

export interface EmailSender {
  readonly name: string;
  send(message: EmailMessage, signal: AbortSignal): Promise<SendReceipt>;
}

export interface PushSender {
  readonly name: string;
  send(message: PushMessage, signal: AbortSignal): Promise<SendReceipt>;
}

export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage, signal: AbortSignal): Promise<SendReceipt>;
}

export interface VoiceCaller {
  readonly name: string;
  call(call: VoiceCall, signal: AbortSignal): Promise<SendReceipt>;
}

export interface MessagingProviders {
  email: EmailSender;
  push: PushSender;
  sms: SmsSender;
  voice: VoiceCaller;
  close(): Promise<void>;
}
