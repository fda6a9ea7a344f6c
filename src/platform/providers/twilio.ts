import { postToProvider, trimSlash } from './http-client.js';
import type { SendReceipt, SmsMessage, SmsSender, VoiceCall, VoiceCaller } from './types.js';

export interface TwilioOptions {
  baseUrl: string;
  accountSid: string;
  authToken?: string;
  from: string;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/** Twilio-style REST: form-encoded POST under /2010-04-01/Accounts/{sid}/, HTTP basic auth. */
async function postTwilio(
  provider: string,
  opts: TwilioOptions,
  resource: string,
  form: Record<string, string>,
  signal: AbortSignal,
) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (opts.authToken)
    headers.authorization = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  const res = await postToProvider({
    provider,
    url: `${trimSlash(opts.baseUrl)}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/${resource}`,
    headers,
    body: new URLSearchParams(form).toString(),
    signal,
  });
  return { providerId: typeof res.sid === 'string' ? res.sid : undefined };
}

export class TwilioSmsSender implements SmsSender {
  readonly name = 'sms-twilio';

  constructor(private readonly opts: TwilioOptions) {}

  send(message: SmsMessage, signal: AbortSignal): Promise<SendReceipt> {
    return postTwilio(
      this.name,
      this.opts,
      'Messages.json',
      { To: message.to, From: this.opts.from, Body: message.body },
      signal,
    );
  }
}

export class TwilioVoiceCaller implements VoiceCaller {
  readonly name = 'voice-twilio';

  constructor(private readonly opts: TwilioOptions) {}

  call(call: VoiceCall, signal: AbortSignal): Promise<SendReceipt> {
    const twiml = `<Response><Say>${escapeXml(call.say)}</Say></Response>`;
    return postTwilio(this.name, this.opts, 'Calls.json', { To: call.to, From: this.opts.from, Twiml: twiml }, signal);
  }
}
