import nodemailer, { type Transporter } from 'nodemailer';
import { PermanentProviderError, ProviderError } from './errors.js';
import type { EmailMessage, EmailSender, SendReceipt } from './types.js';

function smtpResponseCode(err: unknown): number | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { responseCode?: unknown }).responseCode : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Real SMTP through nodemailer (SMTP_URL like smtp://user:pass@host:587).
 * A 5xx reply (e.g. 550 unknown mailbox) is permanent; 4xx replies and
 * connection problems are transient. nodemailer has no AbortSignal, so its
 * own socket timeouts are set to the call budget as well.
 */
export class SmtpEmailSender implements EmailSender {
  readonly name = 'email-smtp';
  private readonly transport: Transporter;

  constructor(opts: { url: string; from: string; timeoutMs: number }) {
    const timeouts = {
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
    };
    this.transport = nodemailer.createTransport(opts.url, { ...timeouts, from: opts.from });
  }

  async send(message: EmailMessage, signal: AbortSignal): Promise<SendReceipt> {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new ProviderError(this.name, 'aborted');
    try {
      const info = await this.transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
      return { providerId: info.messageId };
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      const code = smtpResponseCode(err);
      if (code !== undefined && code >= 500) throw new PermanentProviderError(this.name, detail, code);
      throw new ProviderError(this.name, detail, code);
    }
  }

  async close() {
    this.transport.close();
  }
}
