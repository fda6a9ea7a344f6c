import type { Transporter } from 'nodemailer';
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
  private transport?: Promise<Transporter>;

  constructor(private readonly opts: { url: string; from: string; timeoutMs: number }) {}

  /** nodemailer is loaded on the first mail: a node that never sends one does not pay for loading it. */
  private connect(): Promise<Transporter> {
    const { url, from, timeoutMs } = this.opts;
    const timeouts = { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs };
    return (this.transport ??= import('nodemailer').then((m) => m.default.createTransport(url, { ...timeouts, from })));
  }

  async send(message: EmailMessage, signal: AbortSignal): Promise<SendReceipt> {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new ProviderError(this.name, 'aborted');
    try {
      const transport = await this.connect();
      const info = await transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
      return { providerId: info.messageId };
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      const code = smtpResponseCode(err);
      if (code !== undefined && code >= 500) throw new PermanentProviderError(this.name, detail, code);
      throw new ProviderError(this.name, detail, code);
    }
  }

  async close() {
    (await this.transport)?.close();
  }
}
