import { randomUUID } from 'node:crypto';
import type {
  EmailMessage,
  EmailSender,
  PushMessage,
  PushSender,
  SendReceipt,
  SmsMessage,
  SmsSender,
  VoiceCall,
  VoiceCaller,
} from './types.js';

/**
 * Development/test stand-ins used when no provider URL is configured: they
 * "send" by remembering (bounded), so a developer sees what would have gone
 * out and tests can assert on it. Never used in production (config refuses).
 */
const MAX_KEPT = 1_000;

class Recorder<T> {
  readonly sent: Array<T & { at: number }> = [];

  record(item: T): SendReceipt {
    this.sent.push({ ...item, at: Date.now() });
    if (this.sent.length > MAX_KEPT) this.sent.splice(0, this.sent.length - MAX_KEPT);
    return { providerId: randomUUID() };
  }
}

export class RecordingEmailSender extends Recorder<EmailMessage> implements EmailSender {
  readonly name = 'email-fake';
  async send(message: EmailMessage): Promise<SendReceipt> {
    return this.record(message);
  }
}

export class RecordingPushSender extends Recorder<PushMessage> implements PushSender {
  readonly name = 'push-fake';
  async send(message: PushMessage): Promise<SendReceipt> {
    return this.record(message);
  }
}

export class RecordingSmsSender extends Recorder<SmsMessage> implements SmsSender {
  readonly name = 'sms-fake';
  async send(message: SmsMessage): Promise<SendReceipt> {
    return this.record(message);
  }
}

export class RecordingVoiceCaller extends Recorder<VoiceCall> implements VoiceCaller {
  readonly name = 'voice-fake';
  async call(call: VoiceCall): Promise<SendReceipt> {
    return this.record(call);
  }
}
