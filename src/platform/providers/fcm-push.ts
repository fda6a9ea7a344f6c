import { postToProvider, trimSlash } from './http-client.js';
import type { PushMessage, PushSender, SendReceipt } from './types.js';

/**
 * Firebase Cloud Messaging HTTP v1: POST {base}/v1/projects/{project}/messages:send
 * with `{message: {token|topic, notification, data, android, apns}}`.
 * The bearer token is an OAuth access token of a service account; minting it
 * (Google auth) is outside this adapter.
 */
export class FcmPushSender implements PushSender {
  readonly name = 'push-fcm';

  constructor(private readonly opts: { baseUrl: string; projectId: string; accessToken?: string }) {}

  async send(message: PushMessage, signal: AbortSignal): Promise<SendReceipt> {
    const target = message.token ? { token: message.token } : { topic: message.topic };
    const body = {
      message: {
        ...target,
        notification: { title: message.title, body: message.body },
        data: message.data ?? {},
        android: { priority: 'HIGH' },
        apns: { headers: { 'apns-priority': '10' } },
      },
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.accessToken) headers.authorization = `Bearer ${this.opts.accessToken}`;
    const res = await postToProvider({
      provider: this.name,
      url: `${trimSlash(this.opts.baseUrl)}/v1/projects/${encodeURIComponent(this.opts.projectId)}/messages:send`,
      headers,
      body: JSON.stringify(body),
      signal,
    });
    return { providerId: typeof res.name === 'string' ? res.name : undefined };
  }
}
