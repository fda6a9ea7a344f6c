import { PermanentProviderError, RecipientGoneError } from './errors.js';
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
    const body = { message: { ...target, ...fcmPayload(message) } };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.accessToken) headers.authorization = `Bearer ${this.opts.accessToken}`;
    const url = `${trimSlash(this.opts.baseUrl)}/v1/projects/${encodeURIComponent(this.opts.projectId)}/messages:send`;
    try {
      const res = await postToProvider({ provider: this.name, url, headers, body: JSON.stringify(body), signal });
      return { providerId: typeof res.name === 'string' ? res.name : undefined };
    } catch (err) {
      if (err instanceof PermanentProviderError && tokenIsGone(err.body)) {
        throw new RecipientGoneError(this.name, err.message, err.status);
      }
      throw err;
    }
  }
}

/** notification/data/android/apns blocks of an FCM v1 message; TTL and collapse key map to both platforms. */
function fcmPayload(message: PushMessage) {
  const android: Record<string, string> = { priority: 'HIGH' };
  const apnsHeaders: Record<string, string> = { 'apns-priority': '10' };
  if (message.ttlSeconds !== undefined) {
    const ttl = Math.max(0, Math.floor(message.ttlSeconds));
    android.ttl = `${ttl}s`;
    // APNs wants an absolute expiry (epoch seconds); 0 would mean "try once now", so keep at least 1 s.
    apnsHeaders['apns-expiration'] = String(Math.floor(Date.now() / 1000) + Math.max(1, ttl));
  }
  if (message.collapseKey) {
    android.collapse_key = message.collapseKey;
    apnsHeaders['apns-collapse-id'] = message.collapseKey;
  }
  const notification = message.dataOnly ? {} : { notification: { title: message.title, body: message.body } };
  return { ...notification, data: message.data ?? {}, android, apns: { headers: apnsHeaders } };
}

/**
 * FCM v1 errors are `{error: {code, message, status, details: [{'@type': '…FcmError', errorCode}]}}`.
 * `UNREGISTERED` (404) means the token is dead for good; `INVALID_ARGUMENT` (400) means it only when the
 * message blames the registration token (the same code is used for a malformed payload, which is our bug).
 */
function tokenIsGone(body: unknown): boolean {
  const error = (body as { error?: { message?: unknown; details?: unknown } } | undefined)?.error;
  if (!error) return false;
  const details = Array.isArray(error.details) ? (error.details as { errorCode?: unknown }[]) : [];
  const codes = details.map((d) => d.errorCode);
  if (codes.includes('UNREGISTERED')) return true;
  return codes.includes('INVALID_ARGUMENT') && /registration token/i.test(String(error.message ?? ''));
}
